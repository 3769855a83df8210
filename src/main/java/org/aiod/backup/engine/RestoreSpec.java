package org.aiod.backup.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * What a restore is asked to do: make a destination exactly the tree of {@code cycle} at {@code level}. The one
 * argument of the engine's restore, so that a new option is one field here and one place in {@link RestoreRun}, not
 * a parameter threaded through every caller. {@code new RestoreSpec(dataset, cycle, level)} is today's restore in
 * place; the {@code with...} methods return a copy with one option set.
 *
 * @param dataset   the dataset's name; checked here, so a spec always names a valid dataset
 * @param cycle     the cycle's label
 * @param level     the level to restore up to, or {@code null} for the cycle's last
 * @param target    the directory to restore into instead of {@code <data-root>/<dataset>}, or {@code null}; made
 *                  absolute and normalized here. The engine takes any directory that does not overlap the dataset
 *                  directory or the backup root; which ones a caller may name is the service's business
 * @param overwrite whether an existing, non-empty {@code target} may be replaced ({@code TARGET_NOT_EMPTY}
 *                  otherwise); has no meaning in place
 * @param paths     dataset-relative files or directories to restore, only those; empty for the whole tree. Checked
 *                  here (relative, no {@code ..}, no empty name), normalized ({@code .} and repeated or trailing
 *                  slashes dropped), sorted, and a path under another listed one dropped
 * @param dryRun    whether to change nothing and only answer the plan of what the restore would do
 * @param planLimit how many paths of each kind of change the plan lists (its counts cover all)
 * @throws BackupException.InvalidDataset when {@code dataset} is not a valid dataset name
 * @throws BackupException.InvalidPath    when a path of {@code paths} is absolute, has {@code ..} or is empty, or
 *                                        {@code planLimit} is negative
 */
public record RestoreSpec(String dataset, long cycle, Integer level, Path target, boolean overwrite,
        List<String> paths, boolean dryRun, int planLimit) {

    /** How many paths of each kind of change a plan lists unless the spec says otherwise. */
    public static final int DEFAULT_PLAN_LIMIT = 100;

    public RestoreSpec {
        Layout.requireValidName(dataset);
        target = target == null ? null : target.toAbsolutePath().normalize();
        paths = normalize(paths);
        if (planLimit < 0) {
            throw new BackupException.InvalidPath("plan limit " + planLimit + " is negative");
        }
    }

    /** Today's restore: the whole tree of {@code cycle} at {@code level}, in place. */
    public RestoreSpec(String dataset, long cycle, Integer level) {
        this(dataset, cycle, level, null, false, List.of(), false, DEFAULT_PLAN_LIMIT);
    }

    public RestoreSpec withTarget(Path target) {
        return new RestoreSpec(dataset, cycle, level, target, overwrite, paths, dryRun, planLimit);
    }

    public RestoreSpec withOverwrite(boolean overwrite) {
        return new RestoreSpec(dataset, cycle, level, target, overwrite, paths, dryRun, planLimit);
    }

    public RestoreSpec withPaths(List<String> paths) {
        return new RestoreSpec(dataset, cycle, level, target, overwrite, paths, dryRun, planLimit);
    }

    public RestoreSpec withDryRun(boolean dryRun) {
        return new RestoreSpec(dataset, cycle, level, target, overwrite, paths, dryRun, planLimit);
    }

    public RestoreSpec withPlanLimit(int planLimit) {
        return new RestoreSpec(dataset, cycle, level, target, overwrite, paths, dryRun, planLimit);
    }

    /** Whether the restore covers the whole tree (no {@code paths}). */
    public boolean wholeTree() {
        return paths.isEmpty();
    }

    private static List<String> normalize(List<String> paths) {
        if (paths == null || paths.isEmpty()) {
            return List.of();
        }
        TreeSet<String> normalized = new TreeSet<>();
        for (String path : paths) {
            if (path == null || path.startsWith("/")) {
                throw new BackupException.InvalidPath("restore path '" + path + "' is not relative to the dataset");
            }
            List<String> parts = new ArrayList<>();
            for (String part : path.split("/")) {
                if (part.equals("..")) {
                    throw new BackupException.InvalidPath("restore path '" + path + "' contains '..'");
                }
                if (!part.isEmpty() && !part.equals(".")) {
                    parts.add(part);
                }
            }
            if (parts.isEmpty()) {
                throw new BackupException.InvalidPath("restore path '" + path + "' names no file in the dataset"
                        + " (leave the paths out to restore the whole tree)");
            }
            normalized.add(String.join("/", parts));
        }
        // a path under another listed one is already covered by it
        List<String> kept = new ArrayList<>();
        for (String path : normalized) {
            if (kept.stream().noneMatch(k -> path.startsWith(k + "/"))) {
                kept.add(path);
            }
        }
        return List.copyOf(kept);
    }
}
