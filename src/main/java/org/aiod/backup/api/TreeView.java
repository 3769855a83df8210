package org.aiod.backup.api;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.aiod.backup.catalog.PathEntry;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A directory as it was at a level, {@code GET /api/datasets/{name}/cycles/{cycle}/levels/{level}/tree}.
 *
 * @param path    the directory, as asked for ({@code ""}: the dataset's top)
 * @param entries its entries, ordered by name bytewise (as the archive lists them)
 */
@Schema(name = "Tree")
public record TreeView(String dataset, long cycle, int level, String path, List<Entry> entries) {

    /**
     * One entry.
     *
     * @param name     its name; a byte that is not UTF-8 as {@code \ooo}, a backslash as {@code \\} (a path of such
     *                 names joined by {@code /} names it in {@code ?path=})
     * @param type     {@code file}, {@code directory} or {@code symlink} (a hard link is a file)
     * @param size     a file's length in bytes, a symlink's target length, 0 for a directory
     * @param modified its mtime
     * @param mode     its permission bits in octal, such as {@code 0644}
     * @param level    the level whose archive holds its content: an earlier one for a file unchanged since
     * @param link     a symlink's target; absent for other types
     */
    @Schema(name = "TreeEntry")
    public record Entry(String name, String type, long size, Instant modified, String mode, int level,
            @JsonInclude(JsonInclude.Include.NON_NULL) String link) {

        static Entry of(PathEntry entry) {
            return new Entry(entry.name(), entry.type().name().toLowerCase(Locale.ROOT), entry.size(),
                    entry.modified(), String.format("%04o", entry.mode()), entry.level(), entry.link());
        }
    }

    static TreeView of(String dataset, long cycle, int level, String path, List<PathEntry> entries) {
        return new TreeView(dataset, cycle, level, path, entries.stream().map(Entry::of).toList());
    }
}
