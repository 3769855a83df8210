package org.aiod.backup.engine;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The last verify of each level of a dataset, kept in one small text file of the engine's state,
 * {@code <state-dir>/verified/<dataset>}. Written whole under the dataset's lock (temporary file, fsync, rename), so
 * a reader without the lock sees the previous version or the next, never half of one. One line per level, ordered by
 * cycle then level:
 *
 * <pre>
 * aiod-backup verify records 1
 * &lt;cycle&gt; &lt;level&gt; &lt;archive name&gt; &lt;archive size&gt; &lt;archive mtime&gt; &lt;verified at&gt; &lt;depth&gt; &lt;status&gt; &lt;detail, URL-encoded&gt;
 * </pre>
 *
 * Times are ISO-8601 instants. A line counts only while its archive is still the one verified: an archive that is
 * gone (its cycle pruned), renamed, or whose size or modification time differs from the line's is no longer shown
 * as verified, and its line is dropped at the next write. A line that cannot be read is ignored: the level then
 * shows as never verified, which is the safe side.
 */
final class VerifyRecords {

    private static final String HEADER = "aiod-backup verify records 1";

    /** One line: the verify and the archive it read, as it was then. */
    record Entry(LevelVerified verified, String archiveName, long size, Instant modified) {

        /** The entry of a level read just now. */
        static Entry of(LevelVerified verified, Path archive) throws IOException {
            return new Entry(verified, archive.getFileName().toString(), Files.size(archive),
                    Files.getLastModifiedTime(archive).toInstant());
        }

        String encode() {
            LevelVerified v = verified;
            return v.cycle() + " " + v.level() + " " + archiveName + " " + size + " " + modified + " " + v.at() + " "
                    + v.depth() + " " + v.status() + " " + URLEncoder.encode(v.detail(), StandardCharsets.UTF_8);
        }

        static Entry decode(String line) {
            String[] f = line.split(" ", -1);
            if (f.length != 9) {
                return null;
            }
            try {
                LevelVerified v = new LevelVerified(Long.parseLong(f[0]), Integer.parseInt(f[1]), Instant.parse(f[5]),
                        VerifyDepth.valueOf(f[6]), LevelCheck.Status.valueOf(f[7]),
                        URLDecoder.decode(f[8], StandardCharsets.UTF_8));
                return new Entry(v, f[2], Long.parseLong(f[3]), Instant.parse(f[4]));
            } catch (IllegalArgumentException | DateTimeParseException e) {
                return null;
            }
        }
    }

    private final Layout layout;

    VerifyRecords(Layout layout) {
        this.layout = layout;
    }

    /** The last verify of each level whose archive is still the one verified, ordered by cycle then level. */
    List<LevelVerified> current(String dataset) {
        try {
            return currentEntries(dataset).stream().map(Entry::verified).toList();
        } catch (IOException e) {
            throw FileOps.translate(e, "reading the verify records of dataset '" + dataset + "'");
        }
    }

    /**
     * Replaces the lines of the levels in {@code read} and writes the file anew, dropping the lines of archives no
     * longer on disk or changed since. The caller holds the dataset's lock.
     */
    void record(String dataset, List<Entry> read) throws IOException {
        Map<String, Entry> byLevel = new HashMap<>();
        for (Entry entry : currentEntries(dataset)) {
            byLevel.put(key(entry), entry);
        }
        for (Entry entry : read) {
            byLevel.put(key(entry), entry);
        }
        List<Entry> lines = new ArrayList<>(byLevel.values());
        lines.sort(Comparator.comparingLong((Entry e) -> e.verified().cycle())
                .thenComparingInt(e -> e.verified().level()));
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        for (Entry entry : lines) {
            text.append(entry.encode()).append('\n');
        }
        Path file = layout.verifyRecord(dataset);
        Files.createDirectories(file.getParent());
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        FileOps.writeAtomically(file, layout.tmpDir(dataset), out -> out.write(bytes));
    }

    private List<Entry> currentEntries(String dataset) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(layout.verifyRecord(dataset), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        Map<Long, TreeMap<Integer, Path>> archives = new HashMap<>();
        List<Entry> current = new ArrayList<>();
        for (String line : lines) {
            if (line.isEmpty() || line.equals(HEADER)) {
                continue;
            }
            Entry entry = Entry.decode(line);
            if (entry == null) {
                continue;
            }
            Path archive = archives.computeIfAbsent(entry.verified().cycle(), cycle -> {
                try {
                    return layout.archives(dataset, cycle);
                } catch (IOException e) {
                    return new TreeMap<>();
                }
            }).get(entry.verified().level());
            if (archive != null && stillTheSame(entry, archive)) {
                current.add(entry);
            }
        }
        return current;
    }

    private static boolean stillTheSame(Entry entry, Path archive) {
        try {
            return archive.getFileName().toString().equals(entry.archiveName())
                    && Files.size(archive) == entry.size()
                    && Files.getLastModifiedTime(archive).toInstant().equals(entry.modified());
        } catch (IOException e) {
            return false;
        }
    }

    private static String key(Entry entry) {
        return entry.verified().cycle() + "/" + entry.verified().level();
    }
}
