package org.aiod.backup.engine;

import java.util.List;

/**
 * What a restore would change in its destination, answered by a dry run ({@link RestoreSpec#dryRun()}), compared
 * entry by entry, never following a symlink. Non-directory entries (regular files, symlinks) are:
 * <ul>
 * <li>{@code create}: in the level, not in the destination (or a directory stands there);</li>
 * <li>{@code replace}: in both, and they differ in kind (file or symlink), or for a regular file in size, mtime
 * (whole seconds) or mode ({@code & 07777}), and, when the restore runs as root and so sets owners, in uid or gid;
 * for a symlink in its target. Content is not compared (a file whose content changed with its size and mtime kept
 * is rewritten by the restore all the same, as every file of the level is);</li>
 * <li>{@code delete}: in the destination, not in the level (or a directory stands there in the level);</li>
 * <li>{@code unchanged}: the rest of the level's entries.</li>
 * </ul>
 * Directories are counted by whether they exist ({@code directoriesToCreate}, {@code directoriesToDelete}); a
 * directory's own mode and mtime are set by the restore whatever they were. With {@code paths}, only entries at or
 * under those paths count; for a whole tree, the destination directory itself is not counted.
 *
 * @param create              entries to create
 * @param replace             entries to replace
 * @param delete              entries to delete
 * @param unchanged           entries of the level the destination already has as they are
 * @param directoriesToCreate directories of the level the destination lacks
 * @param directoriesToDelete directories of the destination not in the level
 */
public record RestorePlan(Change create, Change replace, Change delete, long unchanged, long directoriesToCreate,
        long directoriesToDelete) {

    /**
     * One kind of change.
     *
     * @param count how many entries
     * @param bytes their size: for create and replace the level's, for delete the destination's (0 for symlinks)
     * @param paths the first entries in path order, dataset-relative (names that are not UTF-8 escaped as in
     *              messages), at most the spec's {@link RestoreSpec#planLimit()}
     */
    public record Change(long count, long bytes, List<String> paths) {
    }
}
