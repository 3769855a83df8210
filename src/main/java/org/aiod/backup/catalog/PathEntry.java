package org.aiod.backup.catalog;

import java.time.Instant;

/**
 * One entry of a directory as it was at a level of a cycle.
 *
 * @param name     its name as shown (bytes that are not UTF-8 as {@code \ooo}, a backslash as {@code \\}); a path of
 *                 such names joined by {@code /} names it back
 * @param type     what it is
 * @param size     a file's content length, a symbolic link's target length, 0 for a directory
 * @param modified its mtime (whole seconds)
 * @param mode     its permission bits, setuid, setgid and sticky included
 * @param level    the level whose archive holds its content (a directory: the level asked for)
 * @param link     a symbolic link's target as shown; {@code null} for other types
 */
public record PathEntry(String name, Type type, long size, Instant modified, int mode, int level, String link) {

    /** What an entry is; a hard link is one name of a {@link #FILE}. */
    public enum Type {
        FILE, DIRECTORY, SYMLINK
    }
}
