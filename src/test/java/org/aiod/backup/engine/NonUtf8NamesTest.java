package org.aiod.backup.engine;

import static org.aiod.backup.engine.testing.RawNames.name;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.aiod.backup.engine.testing.GnuTar;
import org.aiod.backup.engine.testing.RawNames;
import org.aiod.backup.engine.testing.TreeSnapshot;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names are bytes: files, directories (with content below them), symlinks and hard links whose names, or whose
 * symlink targets, are not valid UTF-8 go through engine and GNU tar levels byte for byte, both ways. Trees are
 * compared with {@link TreeSnapshot}, which keys such names by their bytes ({@link RawNames}).
 */
class NonUtf8NamesTest {

    private static final String DS = "ds";
    /** "\xE9t\xE9": "été" in ISO-8859-1, not UTF-8. */
    private static final byte[] FILE = name("", 0xE9, 't', 0xE9);
    /** "\xFF": never part of UTF-8. */
    private static final byte[] DIR = name("", 0xFF);
    private static final byte[] INNER = name("inner-", 0xE9, '.', 't', 'x', 't');
    /** A lead byte with nothing after it, below the directory above. */
    private static final byte[] SUBDIR = name("sub", 0xC3);
    /** Valid UTF-8 "é" next to an invalid 0xE9. */
    private static final byte[] MIXED = name("\u00e9", 0xE9);
    /** Longer than the header's 100-byte name field: a GNU long-name member carries it. */
    private static final byte[] LONG = name("long-" + "x".repeat(120), 0xE9);
    private static final byte[] LINK = name("link-", 0xE9);
    private static final byte[] HARD = name("hard-", 0xE9);

    @TempDir
    Path tmp;

    @Test
    void engineBackupRestoresWithEngineByteForByte() throws Exception {
        Path data = tmp.resolve("data");
        Path backups = tmp.resolve("backups");
        createTree(data.resolve(DS));
        TreeSnapshot expected = TreeSnapshot.of(data.resolve(DS));

        BackupSummary summary = engine(data, backups).backup(DS);
        assertEquals(List.of(), summary.warnings(), "nothing skipped");
        assertEquals(8, summary.files(), "files, symlink and hard link written");

        Path restored = Files.createDirectories(tmp.resolve("restored"));
        RestoreSummary restore = engine(restored, backups).restore(DS, 0, null);
        assertEquals(List.of(), restore.warnings(), "restore warnings");
        TreeSnapshot.of(restored.resolve(DS)).assertSameAs(expected, "engine restore of an engine level");
        List<String> keys = nonUtf8Keys(TreeSnapshot.of(restored.resolve(DS)));
        assertTrue(keys.containsAll(List.of("\\351t\\351", "\\377", "\\377/inner-\\351.txt", "\\377/sub\\303",
                "\\377/sub\\303/deep.txt", "\\303\\251\\351")), "names restored as bytes: " + keys);
        assertEquals(Files.readString(RawNames.resolve(data.resolve(DS), FILE)),
                Files.readString(RawNames.resolve(restored.resolve(DS), HARD)), "hard link content");
    }

    @Test
    void engineLevelsRestoreWithGnuTar() throws Exception {
        Path data = tmp.resolve("data");
        Path backups = tmp.resolve("backups");
        Path ds = data.resolve(DS);
        createTree(ds);
        Engine engine = engine(data, backups);
        List<TreeSnapshot> expected = new ArrayList<>();
        engine.backup(DS);
        expected.add(TreeSnapshot.of(ds));
        Trees.tick(tmp);
        changeTree(ds);
        engine.backup(DS);
        expected.add(TreeSnapshot.of(ds));

        List<Path> archives = List.of(GnuTar.archive(backups, DS, 0, 0), GnuTar.archive(backups, DS, 0, 1));
        // what GNU tar lists (it shows bytes that are not UTF-8 as octal escapes, as Names.shown does)
        List<String> members = GnuTar.members(archives.get(0));
        assertTrue(members.contains("./ds/\\351t\\351"), "level 0 members: " + members);
        assertTrue(members.contains("./ds/\\377/sub\\303/deep.txt"), "level 0 members: " + members);
        for (int level = 0; level < archives.size(); level++) {
            Path dest = tmp.resolve("gnu-" + level);
            GnuTar.legacyRestoreChain(dest, archives.subList(0, level + 1));
            TreeSnapshot.of(dest.resolve(DS)).assertSameAs(expected.get(level),
                    "GNU tar restore of engine levels 0.." + level);
        }
    }

    @Test
    void gnuTarLevelsWithRenamesAndDeletionsRestoreWithEngine() throws Exception {
        Path src = tmp.resolve("src");
        Path backups = tmp.resolve("backups");
        Path ds = src.resolve(DS);
        createTree(ds);
        List<TreeSnapshot> expected = new ArrayList<>();
        GnuTar.legacyLevel(backups, src, DS, 0, 0);
        expected.add(TreeSnapshot.of(ds));
        Trees.tick(tmp);
        // a renamed directory (GNU tar records the rename), a renamed file, a deleted directory and file
        Files.move(RawNames.resolve(ds, DIR), RawNames.resolve(ds, name("renamed-", 0xFE)));
        Files.move(RawNames.resolve(ds, FILE), RawNames.resolve(ds, name("moved-", 0xE9)));
        Trees.deleteRecursively(RawNames.resolve(RawNames.resolve(ds, name("renamed-", 0xFE)), SUBDIR));
        Files.delete(RawNames.resolve(ds, MIXED));
        Files.write(RawNames.resolve(ds, name("new-", 0xA0)), "new\n".getBytes(StandardCharsets.UTF_8));
        GnuTar.legacyLevel(backups, src, DS, 0, 1);
        expected.add(TreeSnapshot.of(ds));

        Path restoreRoot = Files.createDirectories(tmp.resolve("restore"));
        Engine engine = engine(restoreRoot, backups);
        for (int level : List.of(1, 0, 1)) {
            RestoreSummary summary = engine.restore(DS, 0, level);
            TreeSnapshot.of(restoreRoot.resolve(DS)).assertSameAs(expected.get(level),
                    "engine restore of GNU tar level " + level);
            assertTrue(summary.warnings().stream().noneMatch(w -> w.contains("\uFFFD")),
                    "warnings show names escaped: " + summary.warnings());
        }
    }

    @Test
    void restoringInPlaceKeepsThem() throws Exception {
        Path data = tmp.resolve("data");
        Path backups = tmp.resolve("backups");
        createTree(data.resolve(DS));
        TreeSnapshot before = TreeSnapshot.of(data.resolve(DS));
        Engine engine = engine(data, backups);
        engine.backup(DS);
        engine.restore(DS, 0, null);
        TreeSnapshot.of(data.resolve(DS)).assertSameAs(before, "the dataset after restoring its own backup");
    }

    @Test
    void aChangedFileGoesIntoTheNextLevel() throws Exception {
        Path data = tmp.resolve("data");
        Path backups = tmp.resolve("backups");
        Path ds = data.resolve(DS);
        createTree(ds);
        // the tree is then stamped before level 0 starts: only what changes after it counts as changed
        Trees.tick(tmp);
        Engine engine = engine(data, backups);
        engine.backup(DS);
        Trees.tick(tmp);
        Path inner = RawNames.resolve(RawNames.resolve(ds, DIR), INNER);
        Files.writeString(inner, "changed after level 0\n");
        BackupSummary level1 = engine.backup(DS);
        assertEquals(1, level1.level(), "level");
        assertEquals(List.of(), level1.warnings(), "warnings");
        assertEquals(1, level1.files(), "the one changed file, and nothing else, in level 1: "
                + String.join("\n", GnuTar.list(level1.archive())));
        List<String> members = GnuTar.members(level1.archive());
        assertTrue(members.contains("./ds/\\377/inner-\\351.txt"), "level 1 members: " + members);

        Path restored = Files.createDirectories(tmp.resolve("restored"));
        engine(restored, backups).restore(DS, 0, 1);
        assertEquals("changed after level 0\n",
                Files.readString(RawNames.resolve(RawNames.resolve(restored.resolve(DS), DIR), INNER)));
        TreeSnapshot.of(restored.resolve(DS)).assertSameAs(TreeSnapshot.of(ds), "engine restore of level 1");
    }

    @Test
    void progressAndWarningsShowNamesEscaped() throws Exception {
        Path data = tmp.resolve("data");
        Path ds = data.resolve(DS);
        createTree(ds);
        // bash's $'...' makes the raw byte; a FIFO is skipped with a warning naming it
        GnuTar.run(ds, List.of("bash", "-c", "mkfifo $'fifo-\\xe9'"), false);
        List<String> files = new ArrayList<>();
        BackupSummary summary = engine(data, tmp.resolve("backups")).backup(DS, new ProgressListener() {
            @Override
            public void file(String path, long bytes) {
                files.add(path);
            }
        });
        assertEquals(List.of("fifo-\\351: socket, FIFO or device file skipped"), summary.warnings());
        assertTrue(files.containsAll(List.of("\\351t\\351", "\\377/inner-\\351.txt", "link-\\351")),
                "progress names: " + files);
        assertTrue(files.contains("\u00e9\\351"), "valid UTF-8 shown as it is, the invalid byte escaped: " + files);
    }

    /** The tree: every kind of member with a name (or target) that is not UTF-8, beside valid UTF-8 names. */
    private static void createTree(Path ds) throws IOException {
        Files.createDirectories(ds);
        Trees.write(ds.resolve("caf\u00e9.txt"), "valid UTF-8 name\n");
        Files.write(RawNames.resolve(ds, FILE), "latin-1 name\n".getBytes(StandardCharsets.UTF_8));
        Path dir = Files.createDirectory(RawNames.resolve(ds, DIR));
        Files.write(RawNames.resolve(dir, INNER), "inside\n".getBytes(StandardCharsets.UTF_8));
        Path sub = Files.createDirectory(RawNames.resolve(dir, SUBDIR));
        Trees.write(sub.resolve("deep.txt"), "deeper\n");
        Files.write(RawNames.resolve(ds, MIXED), "mixed\n".getBytes(StandardCharsets.UTF_8));
        Files.write(RawNames.resolve(ds, LONG), "long name\n".getBytes(StandardCharsets.UTF_8));
        byte[] target = new byte[DIR.length + 1 + INNER.length];
        System.arraycopy(DIR, 0, target, 0, DIR.length);
        target[DIR.length] = '/';
        System.arraycopy(INNER, 0, target, DIR.length + 1, INNER.length);
        Files.createSymbolicLink(RawNames.resolve(ds, LINK), RawNames.path(target));
        Files.createLink(RawNames.resolve(ds, HARD), RawNames.resolve(ds, FILE));
    }

    private static void changeTree(Path ds) throws IOException {
        Files.writeString(RawNames.resolve(RawNames.resolve(ds, DIR), INNER), "changed\n");
        Files.delete(RawNames.resolve(ds, MIXED));
        Files.createDirectory(RawNames.resolve(ds, name("added-", 0x80)));
    }

    private static List<String> nonUtf8Keys(TreeSnapshot tree) {
        return tree.entries().keySet().stream().filter(k -> k.contains("\\")).toList();
    }

    private static Engine engine(Path dataRoot, Path backupRoot) {
        // no start-time margin: a file is unchanged once the next level starts after Trees.tick
        return new Engine(EngineOptions.defaults(dataRoot, backupRoot).withLockTimeout(Duration.ofSeconds(30))
                .withStartTimeMargin(Duration.ZERO));
    }
}
