package org.aiod.backup.engine;

/**
 * A file a backup could not take for a reason other than the file vanishing or changing during the run: it could
 * not be opened or read (permission denied, an I/O error). Unlike a warning, it means the level lacks data the
 * dataset has.
 *
 * @param path   relative to the dataset
 * @param reason why, as the operating system said it (e.g. {@code permission denied}, {@code Input/output error})
 */
public record NotTaken(String path, String reason) {
}
