package org.aiod.backup.engine.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * A directory tree as it is on disk, captured without following symlinks: relative path to type, permission bits,
 * mtime (whole seconds), size and SHA-256 of regular files, and symlink targets. Two snapshots compare file by file
 * and a failed comparison lists each missing, extra or different path with the attribute that differs.
 *
 * <p>The root itself is the entry {@value #ROOT}. Its mode is compared; its mtime never is, because a restore into a
 * mount point may or may not set it. Directory sizes are never compared (they depend on the file system's history).
 * Owners and atimes are not captured. Names and symlink targets are compared as bytes: one that is not valid UTF-8
 * is keyed by {@link RawNames#text}.
 */
public final class TreeSnapshot {

    /** Key of the root directory's own entry. */
    public static final String ROOT = ".";

    /** How many differences an assertion message lists before summarising the rest. */
    private static final int MAX_REPORTED = 50;

    public enum Type {
        DIR, FILE, SYMLINK, OTHER
    }

    /**
     * One path of the tree.
     *
     * @param type   what it is
     * @param mode   permission bits including setuid/setgid/sticky, e.g. {@code 0644}
     * @param mtime  modification time in whole seconds since the epoch
     * @param size   content length for files, target length for symlinks, 0 for directories
     * @param sha256 hex SHA-256 of the content for files, {@code null} otherwise
     * @param target the link target for symlinks, {@code null} otherwise
     */
    public record Entry(Type type, int mode, long mtime, long size, String sha256, String target) {

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder().append(type).append(' ').append(octal(mode)).append(' ')
                    .append(Instant.ofEpochSecond(mtime));
            switch (type) {
                case FILE -> b.append(" size=").append(size).append(" sha256=").append(shortHash(sha256));
                case SYMLINK -> b.append(" -> ").append(target);
                default -> {
                }
            }
            return b.toString();
        }
    }

    private final Path root;
    private final SortedMap<String, Entry> entries;
    private final boolean ignoreDirectoryMtimes;

    private TreeSnapshot(Path root, SortedMap<String, Entry> entries, boolean ignoreDirectoryMtimes) {
        this.root = root;
        this.entries = Collections.unmodifiableSortedMap(entries);
        this.ignoreDirectoryMtimes = ignoreDirectoryMtimes;
    }

    /** Captures the whole tree under {@code root}. */
    public static TreeSnapshot of(Path root) throws IOException {
        return of(root, path -> false);
    }

    /**
     * Captures the tree under {@code root}, leaving out every path (relative, {@code /}-separated, no leading
     * {@code ./}) that {@code exclude} accepts; an excluded directory is left out with everything under it.
     */
    public static TreeSnapshot of(Path root, Predicate<String> exclude) throws IOException {
        Objects.requireNonNull(exclude, "exclude");
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("not a directory (or a symlink): " + root);
        }
        SortedMap<String, Entry> entries = new TreeMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                String rel = relative(root, dir);
                if (!rel.equals(ROOT) && exclude.test(rel)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                entries.put(rel, capture(dir, attrs));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String rel = relative(root, file);
                if (!exclude.test(rel)) {
                    entries.put(rel, capture(file, attrs));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                throw e;
            }
        });
        return new TreeSnapshot(root, entries, false);
    }

    /** Fails with a readable diff unless {@code actual} and {@code expected} hold the same tree. */
    public static void assertSameTree(Path expected, Path actual, String context) throws IOException {
        of(actual).assertSameAs(of(expected), context);
    }

    /** The same snapshot, compared without directory mtimes (for trees touched after they were captured). */
    public TreeSnapshot ignoringDirectoryMtimes() {
        return new TreeSnapshot(root, new TreeMap<>(entries), true);
    }

    public Path root() {
        return root;
    }

    /** Every captured path, sorted, {@value #ROOT} first. */
    public SortedMap<String, Entry> entries() {
        return entries;
    }

    /** The entry of {@code path} (relative, {@code /}-separated), or {@code null}. */
    public Entry get(String path) {
        return entries.get(path);
    }

    public boolean contains(String path) {
        return entries.containsKey(path);
    }

    /**
     * What differs between this (actual) tree and {@code expected}, one line per path, sorted by path. Directory
     * mtimes are skipped when either snapshot ignores them.
     */
    public List<String> differencesFrom(TreeSnapshot expected) {
        boolean skipDirMtimes = ignoreDirectoryMtimes || expected.ignoreDirectoryMtimes;
        TreeSet<String> paths = new TreeSet<>(expected.entries.keySet());
        paths.addAll(entries.keySet());
        List<String> out = new ArrayList<>();
        for (String path : paths) {
            Entry want = expected.entries.get(path);
            Entry got = entries.get(path);
            if (got == null) {
                out.add("missing  " + path + "  (expected " + want + ")");
            } else if (want == null) {
                out.add("extra    " + path + "  (found " + got + ")");
            } else {
                List<String> attrs = compare(path, want, got, skipDirMtimes);
                if (!attrs.isEmpty()) {
                    out.add("differs  " + path + ": " + String.join("; ", attrs));
                }
            }
        }
        return out;
    }

    /** Fails, naming {@code context}, unless this (actual) tree is the same as {@code expected}. */
    public void assertSameAs(TreeSnapshot expected, String context) {
        List<String> diffs = differencesFrom(expected);
        if (diffs.isEmpty()) {
            return;
        }
        StringBuilder msg = new StringBuilder()
                .append(context).append(": trees differ in ").append(diffs.size()).append(" path(s)\n")
                .append("  expected: ").append(expected.root).append(" (").append(expected.entries.size())
                .append(" entries)\n")
                .append("  actual:   ").append(root).append(" (").append(entries.size()).append(" entries)\n");
        diffs.stream().limit(MAX_REPORTED).forEach(d -> msg.append("  ").append(d).append('\n'));
        if (diffs.size() > MAX_REPORTED) {
            msg.append("  ... and ").append(diffs.size() - MAX_REPORTED).append(" more\n");
        }
        fail(msg.toString());
    }

    /** The tree as text, one entry per line; handy in failure messages and while debugging. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("TreeSnapshot of ").append(root).append('\n');
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            b.append("  ").append(e.getKey()).append("  ").append(e.getValue()).append('\n');
        }
        return b.toString();
    }

    private static List<String> compare(String path, Entry want, Entry got, boolean skipDirMtimes) {
        List<String> attrs = new ArrayList<>();
        if (want.type != got.type) {
            attrs.add("type expected " + want.type + " but was " + got.type);
            return attrs;
        }
        if (want.mode != got.mode) {
            attrs.add("mode expected " + octal(want.mode) + " but was " + octal(got.mode));
        }
        boolean checkMtime = !path.equals(ROOT) && !(skipDirMtimes && want.type == Type.DIR);
        if (checkMtime && want.mtime != got.mtime) {
            attrs.add("mtime expected " + Instant.ofEpochSecond(want.mtime) + " (" + want.mtime + ") but was "
                    + Instant.ofEpochSecond(got.mtime) + " (" + got.mtime + ")");
        }
        switch (want.type) {
            case FILE -> {
                if (want.size != got.size) {
                    attrs.add("size expected " + want.size + " but was " + got.size);
                } else if (!want.sha256.equals(got.sha256)) {
                    attrs.add("content differs (same size " + want.size + ", sha256 expected "
                            + shortHash(want.sha256) + " but was " + shortHash(got.sha256) + ")");
                }
            }
            case SYMLINK -> {
                if (!want.target.equals(got.target)) {
                    attrs.add("target expected '" + want.target + "' but was '" + got.target + "'");
                }
            }
            default -> {
            }
        }
        return attrs;
    }

    private static Entry capture(Path path, BasicFileAttributes attrs) throws IOException {
        int mode = ((Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 07777;
        long mtime = attrs.lastModifiedTime().toInstant().getEpochSecond();
        if (attrs.isSymbolicLink()) {
            String target = Files.readSymbolicLink(path).toString();
            if (target.indexOf('\uFFFD') >= 0) {
                // not UTF-8: compare the target's bytes, not its lossy decoding
                target = RawNames.text(RawNames.linkTarget(path));
            }
            return new Entry(Type.SYMLINK, mode, mtime, attrs.size(), null, target);
        }
        if (attrs.isDirectory()) {
            return new Entry(Type.DIR, mode, mtime, 0, null, null);
        }
        if (attrs.isRegularFile()) {
            return new Entry(Type.FILE, mode, mtime, attrs.size(), Trees.sha256(path), null);
        }
        return new Entry(Type.OTHER, mode, mtime, 0, null, null);
    }

    private static String relative(Path root, Path path) {
        if (path.equals(root)) {
            return ROOT;
        }
        StringBuilder b = new StringBuilder();
        for (Path part : root.relativize(path)) {
            if (b.length() > 0) {
                b.append('/');
            }
            b.append(part);
        }
        if (b.indexOf("\uFFFD") >= 0) {
            // a name that is not UTF-8 decodes lossily: key it by its bytes, so that such names never collide
            return RawNames.text(RawNames.relativeBytes(root, path));
        }
        return b.toString();
    }

    private static String octal(int mode) {
        return String.format("%04o", mode);
    }

    private static String shortHash(String sha256) {
        return sha256 == null ? "-" : sha256.substring(0, 12);
    }
}
