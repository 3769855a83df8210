package org.aiod.backup.engine;

import java.time.Instant;

/**
 * One entry of a directory as it was at a level ({@link Engine#list}).
 *
 * @param name     the entry's name as {@link Names#shown} shows it; a path made of such names, joined by {@code /},
 *                 is accepted back by {@link Engine#list} and {@link Engine#open}
 * @param type     what it is
 * @param size     the content length of a file (its real size when sparse), the target's length in bytes for a
 *                 symbolic link, 0 for a directory
 * @param modified its mtime, whole seconds as the archive holds it
 * @param mode     its permission bits, setuid, setgid and sticky included ({@code 0644} is 420)
 * @param level    the level whose archive holds its content: the level asked for, or an earlier one for a file that
 *                 did not change since (listed {@code N}); a directory's is always the level asked for, since every
 *                 level lists every directory
 * @param link     a symbolic link's target as {@link Names#shown} shows it; {@code null} for other types
 */
public record TreeEntry(String name, Type type, long size, Instant modified, int mode, int level, String link) {

    /** What an entry is. A hard link is a {@link #FILE}: one of the names of a file. */
    public enum Type {
        FILE, DIRECTORY, SYMLINK
    }
}
