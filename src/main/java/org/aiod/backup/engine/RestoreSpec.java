package org.aiod.backup.engine;

/**
 * What a restore is asked to do: make {@code <data-root>/<dataset>} exactly the tree of {@code cycle} at
 * {@code level}. The one argument of the engine's restore, so that a new option is one field here and one place in
 * {@link RestoreRun}, not a parameter threaded through every caller.
 *
 * <p>Coming next (not taken yet): a target directory, to restore elsewhere than the dataset's own directory (it
 * replaces the dataset directory as the place the staged tree is swapped into and the staging is created beside),
 * and a subset of paths (a filter on the members {@link Restorer} applies).
 *
 * @param dataset the dataset's name; checked here, so a spec always names a valid dataset
 * @param cycle   the cycle's label
 * @param level   the level to restore up to, or {@code null} for the cycle's last
 * @throws BackupException.InvalidDataset when {@code dataset} is not a valid dataset name
 */
public record RestoreSpec(String dataset, long cycle, Integer level) {

    public RestoreSpec {
        Layout.requireValidName(dataset);
    }
}
