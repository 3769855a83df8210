package org.aiod.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import org.aiod.backup.engine.testing.ChangeScenario;
import org.aiod.backup.engine.testing.GnuTar;
import org.aiod.backup.engine.testing.RawNames;
import org.aiod.backup.engine.testing.TreeSnapshot;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Browse and download ({@link Engine#list}, {@link Engine#open}) over a cycle written alternately by GNU tar (the
 * legacy scripts' command) and the engine, with {@link ChangeScenario}'s changes (files added, modified, deleted,
 * renamed; a directory renamed, which GNU tar records as {@code R}/{@code T}; a directory deleted; a file and a
 * directory swapped), plus hard links and a name that is not UTF-8. At every level, the tree browsed from the
 * archives is compared entry by entry with the real tree captured after that level's backup, and every file's
 * content is read and compared byte for byte (by SHA-256).
 */
class BrowseTest {

    private static final String DS = "ds";
    /** {@code caf} and the byte 0xE9: ISO-8859-1's "café", not UTF-8. */
    private static final byte[] LATIN1_NAME = RawNames.name("caf", 0xE9);

    @TempDir
    Path tmp;

    @Test
    void aChainStartedByGnuTarBrowsesAsItsTreesWereAtEveryLevel() throws Exception {
        Chain chain = writeChain(tmp.resolve("gnu-first"), false);
        // level 2 is GNU tar's, and it saw the directory renamed: it wrote rename records and left the renamed
        // directory's files as unchanged, so their content is in level 0 under the old name
        assertTrue(GnuTar.list(chain.archive(2)).stream().anyMatch(line -> line.contains("R ./ds/to-rename")),
                "GNU tar wrote a rename record at level 2: " + GnuTar.list(chain.archive(2)));
        assertEveryLevelBrowsesAsItWas(chain);
        assertEquals(0, entry(chain.engine.list(DS, 0, 4, "renamed"), "inner.txt").level(),
                "a file of a directory GNU tar saw renamed lies in level 0, under the old name");
        assertEquals("inner\n", read(chain.engine, 4, "renamed/inner.txt"));
    }

    @Test
    void aChainStartedByTheEngineBrowsesAsItsTreesWereAtEveryLevel() throws Exception {
        Chain chain = writeChain(tmp.resolve("engine-first"), true);
        assertEveryLevelBrowsesAsItWas(chain);
        // issue #16: the engine records the rename (R/T) as GNU tar does instead of writing the files again
        assertEquals(0, entry(chain.engine.list(DS, 0, 4, "renamed"), "inner.txt").level(),
                "a file of a directory the engine saw renamed lies in level 0, under the old name");
        assertTrue(GnuTar.list(chain.archive(2)).stream().anyMatch(line -> line.contains("R ./ds/to-rename")),
                "the engine wrote a rename record at level 2: " + GnuTar.list(chain.archive(2)));
        assertEquals("inner\n", read(chain.engine, 4, "renamed/inner.txt"));
    }

    @Test
    void entriesSayInWhichLevelTheirContentLies() throws Exception {
        Chain chain = writeChain(tmp.resolve("levels"), false);
        List<TreeEntry> top = chain.engine.list(DS, 0, 4, "");
        assertEquals(0, entry(top, "small.txt").level(), "never changed: level 0");
        assertEquals(3, entry(top, "private.txt").level(), "chmod at step 3: level 3");
        assertEquals(4, entry(top, "link-to-small").level(), "retargeted at step 4");
        assertEquals("Grüße.txt", entry(top, "link-to-small").link());
        assertEquals(TreeEntry.Type.DIRECTORY, entry(top, "a").type());
        assertEquals(4, entry(top, "a").level(), "a directory is in every level");
        assertEquals(TreeEntry.Type.FILE, entry(top, "hard-2").type(), "a hard link is one name of a file");
        assertEquals(Files.size(chain.dataRoot.resolve(DS).resolve("hard-1")), entry(top, "hard-2").size());
    }

    @Test
    void deletedAndMissingPathsAreNoSuchPathAndWrongTypesAreInvalidPath() throws Exception {
        Chain chain = writeChain(tmp.resolve("errors"), false);
        Engine engine = chain.engine;
        assertEquals("a\n", read(engine, 0, "a/a.txt"), "a/a.txt before it was deleted");
        BackupException deleted = assertThrows(BackupException.class, () -> engine.open(DS, 0, 1, "a/a.txt"));
        assertEquals(BackupException.Kind.NO_SUCH_PATH, deleted.kind(), deleted.getMessage());
        assertEquals(BackupException.Kind.NO_SUCH_PATH,
                assertThrows(BackupException.class, () -> engine.list(DS, 0, 2, "doomed")).kind(),
                "a directory deleted at step 2");
        assertEquals(BackupException.Kind.NO_SUCH_PATH,
                assertThrows(BackupException.class, () -> engine.list(DS, 0, 4, "no/such/dir")).kind());
        assertEquals(BackupException.Kind.INVALID_PATH,
                assertThrows(BackupException.class, () -> engine.open(DS, 0, 4, "a/b")).kind(), "a directory");
        assertEquals(BackupException.Kind.INVALID_PATH,
                assertThrows(BackupException.class, () -> engine.list(DS, 0, 4, "small.txt")).kind(), "a file");
        assertEquals(BackupException.Kind.INVALID_PATH,
                assertThrows(BackupException.class, () -> engine.open(DS, 0, 4, "link-to-small")).kind(),
                "a symlink");
        assertEquals(BackupException.Kind.INVALID_PATH,
                assertThrows(BackupException.class, () -> engine.open(DS, 0, 4, "a/../small.txt")).kind());
        assertEquals(BackupException.Kind.INVALID_PATH,
                assertThrows(BackupException.class, () -> engine.open(DS, 0, 4, "bad\\escape")).kind());
        assertEquals(BackupException.Kind.NO_SUCH_CYCLE,
                assertThrows(BackupException.class, () -> engine.list(DS, 7, 0, "")).kind());
        assertEquals(BackupException.Kind.NO_SUCH_LEVEL,
                assertThrows(BackupException.class, () -> engine.list(DS, 0, 9, "")).kind());
        // the file swapped for a directory at step 3, either way round
        assertEquals(TreeEntry.Type.FILE, entry(engine.list(DS, 0, 2, ""), "becomes-dir").type());
        assertEquals(TreeEntry.Type.DIRECTORY, entry(engine.list(DS, 0, 3, ""), "becomes-dir").type());
        assertEquals("now a file\n", read(engine, 3, "becomes-file"));
        assertEquals("x\n", read(engine, 2, "becomes-file/x.txt"));
    }

    @Test
    void aNameThatIsNotUtf8IsShownEscapedAndAcceptedBackSo() throws Exception {
        Chain chain = writeChain(tmp.resolve("names"), true);
        TreeEntry latin1 = entry(chain.engine.list(DS, 0, 4, ""), "caf\\351");
        assertEquals(TreeEntry.Type.FILE, latin1.type());
        assertEquals("café in ISO-8859-1\n", read(chain.engine, 4, "caf\\351"));
    }

    // ---- the chain ----

    private record Chain(Path dataRoot, Path backupRoot, Engine engine, List<TreeSnapshot> expected) {
        Path archive(int level) {
            return GnuTar.archive(backupRoot, DS, 0, level);
        }
    }

    /** Level 0 and one level per scenario step in cycle 0, GNU tar and the engine in turn. */
    private Chain writeChain(Path base, boolean engineFirst) throws IOException {
        Path dataRoot = base.resolve("data");
        Path backupRoot = base.resolve("backups");
        Path d = dataRoot.resolve(DS);
        ChangeScenario scenario = new ChangeScenario();
        scenario.createInitial(d);
        Trees.write(d.resolve("hard-1"), "one file, two names\n");
        Files.createLink(d.resolve("hard-2"), d.resolve("hard-1"));
        Files.write(RawNames.resolve(d, LATIN1_NAME), "café in ISO-8859-1\n".getBytes(
                java.nio.charset.StandardCharsets.UTF_8));
        Engine engine = new Engine(EngineOptions.defaults(dataRoot, backupRoot).withCycleLength(10)
                .withLockTimeout(Duration.ofSeconds(30))
                // as GNU tar records it, so that which level holds a file does not depend on how fast the test runs
                // (Trees.tick stamps every change after the start of the level before)
                .withStartTimeMargin(Duration.ZERO));
        List<ChangeScenario.Step> steps = scenario.steps();
        List<TreeSnapshot> expected = new ArrayList<>();
        for (int level = 0; level <= steps.size(); level++) {
            if (level > 0) {
                steps.get(level - 1).applyTo(d);
            }
            if ((level % 2 == 0) == engineFirst) {
                BackupSummary summary = engine.backup(DS);
                assertEquals(level, summary.level(), "level written by the engine");
            } else {
                GnuTar.legacyLevel(backupRoot, dataRoot, DS, 0, level);
            }
            Trees.tick(base);
            expected.add(TreeSnapshot.of(d));
        }
        return new Chain(dataRoot, backupRoot, engine, expected);
    }

    // ---- comparing ----

    private void assertEveryLevelBrowsesAsItWas(Chain chain) throws IOException {
        for (int level = 0; level < chain.expected.size(); level++) {
            SortedMap<String, TreeSnapshot.Entry> want = new TreeMap<>(chain.expected.get(level).entries());
            want.remove(TreeSnapshot.ROOT);
            SortedMap<String, TreeSnapshot.Entry> got = new TreeMap<>();
            browse(chain.engine, level, "", got);
            assertEquals(want.keySet(), got.keySet(), "paths browsed at level " + level);
            for (Map.Entry<String, TreeSnapshot.Entry> e : want.entrySet()) {
                assertEquals(e.getValue(), got.get(e.getKey()), "'" + e.getKey() + "' at level " + level);
            }
        }
    }

    /** Every entry under {@code dir}, as {@link TreeSnapshot} captures it, each file's content read. */
    private void browse(Engine engine, int level, String dir, Map<String, TreeSnapshot.Entry> into)
            throws IOException {
        for (TreeEntry entry : engine.list(DS, 0, level, dir)) {
            String path = dir.isEmpty() ? entry.name() : dir + "/" + entry.name();
            assertTrue(entry.level() <= level, path + ": content in level " + entry.level());
            long mtime = entry.modified().getEpochSecond();
            switch (entry.type()) {
                case DIRECTORY -> {
                    into.put(path, new TreeSnapshot.Entry(TreeSnapshot.Type.DIR, entry.mode(), mtime, 0, null,
                            null));
                    browse(engine, level, path, into);
                }
                case SYMLINK -> into.put(path, new TreeSnapshot.Entry(TreeSnapshot.Type.SYMLINK, entry.mode(), mtime,
                        entry.size(), null, entry.link()));
                case FILE -> {
                    String sha256;
                    try (ArchivedFile file = engine.open(DS, 0, level, path)) {
                        assertEquals(entry.size(), file.size(), path + ": size listed and size opened");
                        assertEquals(entry.level(), file.level(), path + ": level listed and level opened");
                        sha256 = sha256(file.content(), file.size(), path);
                    }
                    into.put(path, new TreeSnapshot.Entry(TreeSnapshot.Type.FILE, entry.mode(), mtime, entry.size(),
                            sha256, null));
                }
            }
        }
    }

    private static String sha256(InputStream content, long size, String path) throws IOException {
        MessageDigest digest = Checksums.sha256();
        long n;
        try (OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), digest)) {
            n = content.transferTo(out);
        }
        assertEquals(size, n, path + ": bytes read");
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String read(Engine engine, int level, String path) throws IOException {
        try (ArchivedFile file = engine.open(DS, 0, level, path)) {
            byte[] content = file.content().readAllBytes();
            assertEquals(file.size(), content.length, path + ": size");
            return new String(content, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private static TreeEntry entry(List<TreeEntry> entries, String name) {
        return entries.stream().filter(e -> e.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no entry '" + name + "' in " + entries));
    }
}
