package org.aiod.backup.engine;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.aiod.backup.engine.testing.GnuTar;
import org.aiod.backup.engine.testing.TreeSnapshot;
import org.aiod.backup.engine.testing.Trees;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the GNU tar interop tests leave out: hard links, files over 8 GiB (at the header level), numeric owners as
 * root, the special mode bits the engine does not restore, restoring into a mount point and into an empty data root,
 * and what a run reports (summaries and progress events).
 *
 * <p>After every backup the tests call {@link Trees#tick(Path)} before mutating the tree again (see {@link Trees}).
 */
class MemberKindsTest {

    private static final String DS = "x";

    @TempDir
    Path tmp;

    private Path dataRoot;
    private Path backupRoot;
    private Path scratch;
    private final List<Path> mounts = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        dataRoot = tmp.resolve("data");
        backupRoot = tmp.resolve("backups");
        scratch = Files.createDirectories(tmp.resolve("scratch"));
    }

    @AfterEach
    void unmount() throws Exception {
        for (Path mount : mounts) {
            run("umount", mount.toString());
        }
    }

    // ---- 1. hard links

    @Test
    void hardLinksAreStoredOnceAndRestoredLinkedByBothTools() throws Exception {
        Path ds = dataRoot.resolve(DS);
        String shared = "one inode, several names\n";
        Path a = Trees.write(ds.resolve("a.txt"), shared);
        Trees.mkdirs(ds.resolve("sub"));
        Files.createLink(ds.resolve("sub/b.txt"), a);
        Trees.write(ds.resolve("other.txt"), "unrelated\n");
        Engine engine = new Engine(EngineOptions.defaults(dataRoot, backupRoot));

        BackupSummary level0 = engine.backup(DS);
        Trees.tick(scratch);
        TreeSnapshot expected0 = TreeSnapshot.of(ds);
        assertEquals(0, level0.level());
        assertEquals(3, level0.files(), "a.txt, sub/b.txt (a link) and other.txt are file members");
        assertEquals(shared.length() + "unrelated\n".length(), level0.bytes(), "the shared content counts once");

        List<Member> members0 = verboseMembers(level0.archive());
        assertLinkedOnce(members0, List.of("./x/a.txt", "./x/sub/b.txt"), shared.length(), "level 0");
        assertEquals('-', member(members0, "./x/other.txt").type(), "other.txt is a regular member");

        // restore of level 0 by GNU tar (the legacy command) and by the engine
        Path gnu0 = tmp.resolve("gnu-0");
        GnuTar.legacyRestore(gnu0, level0.archive());
        assertLinked(gnu0.resolve(DS), List.of("a.txt", "sub/b.txt"), shared, "GNU tar restore of level 0");
        TreeSnapshot.of(gnu0.resolve(DS)).assertSameAs(expected0, "GNU tar restore of level 0");
        Path restoreRoot = Files.createDirectories(tmp.resolve("restore"));
        Engine restorer = new Engine(EngineOptions.defaults(restoreRoot, backupRoot));
        restorer.restore(DS, 0, 0);
        assertLinked(restoreRoot.resolve(DS), List.of("a.txt", "sub/b.txt"), shared, "engine restore of level 0");
        TreeSnapshot.of(restoreRoot.resolve(DS)).assertSameAs(expected0, "engine restore of level 0");
        assertNotEquals(ino(restoreRoot.resolve(DS).resolve("a.txt")),
                ino(restoreRoot.resolve(DS).resolve("other.txt")), "other.txt is not linked");

        // level 1: a third name for the same inode; its ctime changes, so every name is dumped again
        Files.createLink(ds.resolve("c.txt"), a);
        BackupSummary level1 = engine.backup(DS);
        Trees.tick(scratch);
        TreeSnapshot expected1 = TreeSnapshot.of(ds);
        assertEquals(1, level1.level());
        List<Member> members1 = verboseMembers(level1.archive());
        assertLinkedOnce(members1, List.of("./x/a.txt", "./x/c.txt", "./x/sub/b.txt"), shared.length(), "level 1");

        Path gnu1 = tmp.resolve("gnu-1");
        GnuTar.legacyRestoreChain(gnu1, List.of(level0.archive(), level1.archive()));
        assertLinked(gnu1.resolve(DS), List.of("a.txt", "c.txt", "sub/b.txt"), shared, "GNU tar restore of level 1");
        TreeSnapshot.of(gnu1.resolve(DS)).assertSameAs(expected1, "GNU tar restore of level 1");
        restorer.restore(DS, 0, 1);
        assertLinked(restoreRoot.resolve(DS), List.of("a.txt", "c.txt", "sub/b.txt"), shared,
                "engine restore of level 1");
        TreeSnapshot.of(restoreRoot.resolve(DS)).assertSameAs(expected1, "engine restore of level 1");
    }

    /** Among {@code names}, one regular member holds the data; every other is a hard link to it. */
    private static void assertLinkedOnce(List<Member> members, List<String> names, long size, String context) {
        List<Member> regular = new ArrayList<>();
        List<Member> links = new ArrayList<>();
        for (String name : names) {
            Member m = member(members, name);
            assertNotNull(m, context + ": no member " + name + " in " + members);
            (m.type() == '-' ? regular : links).add(m);
        }
        assertEquals(1, regular.size(), context + ": exactly one regular member with the data, in " + members);
        assertEquals(size, regular.get(0).size(), context + ": size of " + regular.get(0));
        assertEquals(names.size() - 1, links.size(), context + ": hard-link members, in " + members);
        for (Member link : links) {
            assertEquals('h', link.type(), context + ": " + link);
            assertEquals(0, link.size(), context + ": a hard link carries no data: " + link);
            assertEquals(regular.get(0).name(), link.linkTarget(), context + ": target of " + link);
        }
    }

    private static void assertLinked(Path ds, List<String> names, String content, String context) throws IOException {
        long inode = ino(ds.resolve(names.get(0)));
        for (String name : names) {
            Path p = ds.resolve(name);
            assertTrue(Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS), context + ": " + name + " is a file");
            assertEquals(inode, ino(p), context + ": " + name + " shares the inode of " + names.get(0));
            assertEquals(content, Files.readString(p), context + ": content of " + name);
        }
        assertEquals(names.size(), ((Number) Files.getAttribute(ds.resolve(names.get(0)), "unix:nlink",
                LinkOption.NOFOLLOW_LINKS)).intValue(), context + ": link count");
    }

    // ---- 2. files over 8 GiB

    @Test
    void sizeOver8GiBIsWrittenInBase256() throws Exception {
        long size = (1L << 33) + 1; // 8 GiB + 1: does not fit in 11 octal digits
        HeadKeepingSink sink = new HeadKeepingSink(64 * 1024);
        long started = System.nanoTime();
        try (TarOutput tar = new TarOutput(sink)) {
            long result = tar.file("./x/huge.bin", 0644, new TarOutput.Owner(0, 0, "root", "root"), 1_600_000_000L,
                    size, new ZeroStream(size));
            assertEquals(0, result, "the content had exactly the announced size");
            tar.finish();
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        System.out.println("MemberKindsTest: 8 GiB + 1 through TarOutput in " + millis + " ms");
        long padded = (size + 511) / 512 * 512;
        long expectedTotal = (512 + padded + 1024 + 10239) / 10240 * 10240;
        assertEquals(expectedTotal, sink.count, "header, data padded to 512, end blocks, padded to 10240");

        byte[] head = sink.head();
        assertEquals("ustar  \0", new String(head, 257, 8, StandardCharsets.US_ASCII), "GNU magic");
        assertEquals((byte) 0x80, head[124], "GNU base-256 size marker at byte 124");
        long sizeField = 0;
        for (int i = 125; i < 136; i++) {
            sizeField = (sizeField << 8) | (head[i] & 0xff);
        }
        assertEquals(size, sizeField, "base-256 size in bytes 125..135, big-endian");

        // commons-compress reads the header back
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(head), "UTF-8")) {
            TarArchiveEntry entry = in.getNextEntry();
            assertNotNull(entry);
            assertEquals("./x/huge.bin", entry.getName());
            assertEquals(size, entry.getSize());
            assertTrue(entry.isFile());
        }

        // GNU tar lists it from the first 64 KiB, then complains (expectedly) that the archive is truncated
        Path out = tmp.resolve("tar.out");
        Path err = tmp.resolve("tar.err");
        ProcessBuilder pb = new ProcessBuilder("tar", "-tv", "-f", "-").redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().put("LC_ALL", "C.UTF-8");
        pb.environment().put("TZ", "UTC");
        pb.environment().remove("TAR_OPTIONS");
        Process tar = pb.start();
        try (OutputStream stdin = tar.getOutputStream()) {
            stdin.write(head);
        } catch (IOException e) {
            // tar may stop reading before it has taken everything: that is fine, its listing is what counts
        }
        assertTrue(tar.waitFor(60, TimeUnit.SECONDS), "tar did not finish");
        List<String> lines = Files.readAllLines(out);
        String stderr = Files.readString(err);
        assertFalse(lines.isEmpty(), "tar listed nothing; stderr: " + stderr);
        String[] fields = lines.get(0).trim().split("\\s+");
        assertEquals("-rw-r--r--", fields[0], lines.get(0));
        assertEquals("root/root", fields[1], lines.get(0));
        assertEquals("8589934593", fields[2], "size as GNU tar reads it: " + lines.get(0));
        assertEquals("./x/huge.bin", fields[fields.length - 1], lines.get(0));
        assertNotEquals(0, tar.exitValue(), "tar should notice the truncated archive; stderr: " + stderr);
    }

    /** Keeps the first {@code limit} bytes written and counts the rest. */
    private static final class HeadKeepingSink extends OutputStream {
        private final byte[] head;
        private int kept;
        long count;

        HeadKeepingSink(int limit) {
            head = new byte[limit];
        }

        @Override
        public void write(int b) {
            if (kept < head.length) {
                head[kept++] = (byte) b;
            }
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            int n = Math.min(len, head.length - kept);
            if (n > 0) {
                System.arraycopy(b, off, head, kept, n);
                kept += n;
            }
            count += len;
        }

        byte[] head() {
            return Arrays.copyOf(head, kept);
        }
    }

    /** {@code size} zero bytes, then end of stream; fills the caller's slice, whatever was in it before. */
    private static final class ZeroStream extends InputStream {
        private long remaining;

        ZeroStream(long size) {
            remaining = size;
        }

        @Override
        public int read() {
            if (remaining <= 0) {
                return -1;
            }
            remaining--;
            return 0;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (remaining <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, remaining);
            Arrays.fill(b, off, off + n, (byte) 0);
            remaining -= n;
            return n;
        }
    }

    // ---- 3. owners, as root

    @Test
    void ownersAreRecordedAndRestoredNumericallyAsRoot() throws Exception {
        Path ds = dataRoot.resolve(DS);
        Path rootOwned = Trees.write(ds.resolve("root.txt"), "owned by root\n");
        Assumptions.assumeTrue(uid(rootOwned) == 0, "owners can only be given away as root");
        Path owned = Trees.write(ds.resolve("owned.txt"), "owned by 1234:5678\n");
        Files.setAttribute(owned, "unix:uid", 1234);
        Files.setAttribute(owned, "unix:gid", 5678);
        Path link = Trees.symlink(ds.resolve("link"), "owned.txt");
        Files.setAttribute(link, "unix:uid", 4321, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(link, "unix:gid", 8765, LinkOption.NOFOLLOW_LINKS);
        assertEquals(1234, uid(owned), "chown of the file");
        assertEquals(4321, uid(link), "lchown of the symlink");
        assertEquals(1234, uid(owned), "the symlink's target kept its owner");

        BackupSummary level0 = new Engine(EngineOptions.defaults(dataRoot, backupRoot)).backup(DS);
        List<Member> members = verboseMembers(level0.archive());
        assertEquals("1234/5678", member(members, "./x/owned.txt").owner(), "ids without names are listed numerically");
        assertEquals("4321/8765", member(members, "./x/link").owner(), "the symlink's own owner");
        assertEquals("root/root", member(members, "./x/root.txt").owner(), "names are recorded when they exist");

        Path restoreRoot = Files.createDirectories(tmp.resolve("restore"));
        new Engine(EngineOptions.defaults(restoreRoot, backupRoot)).restore(DS, 0, null);
        Path restored = restoreRoot.resolve(DS);
        assertOwners(restored, "engine restore");
        TreeSnapshot.of(restored).assertSameAs(TreeSnapshot.of(ds), "engine restore");

        Path gnu = tmp.resolve("gnu");
        GnuTar.legacyRestore(gnu, level0.archive());
        assertOwners(gnu.resolve(DS), "GNU tar restore");
    }

    private static void assertOwners(Path ds, String context) throws IOException {
        assertAll(context,
                () -> assertEquals(1234, uid(ds.resolve("owned.txt")), "uid of owned.txt"),
                () -> assertEquals(5678, gid(ds.resolve("owned.txt")), "gid of owned.txt"),
                () -> assertEquals(4321, uid(ds.resolve("link")), "uid of the symlink"),
                () -> assertEquals(8765, gid(ds.resolve("link")), "gid of the symlink"),
                () -> assertEquals(0, uid(ds.resolve("root.txt")), "uid of root.txt"),
                () -> assertEquals(0, gid(ds.resolve("root.txt")), "gid of root.txt"));
    }

    /**
     * Pins a documented limitation: setuid, setgid and sticky bits are archived (GNU tar restores them) but the
     * engine restores only the nine permission bits. If the engine learns to restore them, update docs/design.md
     * and this test.
     */
    @Test
    void specialBitsAreArchivedAndRestoredByBothTools() throws Exception {
        Path ds = dataRoot.resolve(DS);
        Path setuid = Trees.chmod(Trees.write(ds.resolve("setuid.sh"), "#!/bin/sh\n"), 04755);
        Path shared = Trees.chmod(Trees.mkdirs(ds.resolve("shared")), 03775);
        Assumptions.assumeTrue(Trees.mode(setuid) == 04755 && Trees.mode(shared) == 03775,
                "this file system does not keep special bits");
        BackupSummary level0 = new Engine(EngineOptions.defaults(dataRoot, backupRoot)).backup(DS);
        List<Member> members = verboseMembers(level0.archive());
        assertEquals('-', member(members, "./x/setuid.sh").type());
        assertTrue(GnuTar.run(null, List.of("tar", "-tvzf", level0.archive().toString()), false).stdout().stream()
                .anyMatch(l -> l.startsWith("-rwsr-xr-x ") && l.endsWith(" ./x/setuid.sh")), "setuid bit archived");

        Path gnu = tmp.resolve("gnu");
        GnuTar.legacyRestore(gnu, level0.archive());
        assertEquals(04755, Trees.mode(gnu.resolve(DS).resolve("setuid.sh")), "GNU tar restores the setuid bit");
        assertEquals(03775, Trees.mode(gnu.resolve(DS).resolve("shared")), "GNU tar restores setgid and sticky");

        Path restoreRoot = Files.createDirectories(tmp.resolve("restore"));
        new Engine(EngineOptions.defaults(restoreRoot, backupRoot)).restore(DS, 0, null);
        assertEquals(04755, Trees.mode(restoreRoot.resolve(DS).resolve("setuid.sh")), "the engine restores setuid");
        assertEquals(03775, Trees.mode(restoreRoot.resolve(DS).resolve("shared")), "the engine restores setgid, sticky");
    }

    // ---- 4. restore into a mount point, and into an empty data root

    @Test
    void restoreIntoAMountPointKeepsTheMountPoint() throws Exception {
        Path ds = createSmallDataset();
        Trees.chmod(ds, 0750);
        new Engine(EngineOptions.defaults(dataRoot, backupRoot)).backup(DS);
        TreeSnapshot source = TreeSnapshot.of(ds);

        Path restoreRoot = Files.createDirectories(tmp.resolve("restore"));
        Path mountPoint = Files.createDirectories(restoreRoot.resolve(DS));
        mountTmpfs(mountPoint);
        Trees.write(mountPoint.resolve("junk.txt"), "junk\n");
        Trees.write(mountPoint.resolve("junk-dir/deeper/j.bin"), Trees.randomBytes(9, 1000));
        Trees.write(mountPoint.resolve("a.txt"), "not the archived content\n");
        long dev = dev(mountPoint);
        long ino = ino(mountPoint);
        assertNotEquals(dev(restoreRoot), dev, "the tmpfs is mounted");

        RestoreSummary summary = new Engine(EngineOptions.defaults(restoreRoot, backupRoot)).restore(DS, 0, null);

        assertEquals(List.of(), summary.warnings());
        assertEquals(dev, dev(mountPoint), "device of the dataset directory");
        assertEquals(ino, ino(mountPoint), "inode of the dataset directory");
        assertNotEquals(dev(restoreRoot), dev(mountPoint), "still a different file system than its parent");
        assertEquals(0, run("mountpoint", "-q", mountPoint.toString()), "still a mount point");
        assertEquals(List.of(), names(mountPoint).stream().filter(n -> n.startsWith(".aiod-")).toList(),
                "working directories left behind");
        assertFalse(Files.exists(mountPoint.resolve("junk.txt")), "junk.txt");
        assertFalse(Files.exists(mountPoint.resolve("junk-dir")), "junk-dir");
        TreeSnapshot.of(mountPoint).assertSameAs(source, "restore into a mount point");
        assertEquals(0750, Trees.mode(mountPoint), "the dataset directory's mode");
    }

    @Test
    void restoreIntoAnEmptyDataRootRecreatesTheDatasetDirectory() throws Exception {
        Path ds = createSmallDataset();
        Trees.chmod(ds, 0750);
        new Engine(EngineOptions.defaults(dataRoot, backupRoot)).backup(DS);
        TreeSnapshot source = TreeSnapshot.of(ds);

        Path emptyRoot = Files.createDirectories(tmp.resolve("empty-root"));
        Engine engine = new Engine(EngineOptions.defaults(emptyRoot, backupRoot));
        assertEquals(List.of(DS), engine.datasets(), "a dataset with backups is known even without its directory");
        engine.restore(DS, 0, null);

        Path restored = emptyRoot.resolve(DS);
        assertTrue(Files.isDirectory(restored, LinkOption.NOFOLLOW_LINKS), "dataset directory recreated");
        assertEquals(0750, Trees.mode(restored), "the dataset directory's own mode");
        TreeSnapshot.of(restored).assertSameAs(source, "restore into an empty data root");
        assertEquals(List.of(DS), names(emptyRoot), "nothing else in the data root");
    }

    private Path createSmallDataset() throws IOException {
        Path ds = dataRoot.resolve(DS);
        Trees.write(ds.resolve("a.txt"), "alpha\n");
        Trees.write(ds.resolve("sub/b.bin"), Trees.randomBytes(1, 5000));
        Trees.write(ds.resolve("sub/deeper/c.txt"), "gamma\n");
        Trees.chmod(Trees.write(ds.resolve("private.txt"), "secret\n"), 0600);
        Trees.symlink(ds.resolve("link"), "sub/b.bin");
        Trees.mkdirs(ds.resolve("empty"));
        Trees.setMtime(ds.resolve("sub/deeper"), 1_600_000_000L);
        Trees.setMtime(ds.resolve("sub"), 1_600_003_600L);
        return ds;
    }

    // ---- 5. summaries and progress events

    @Test
    void summariesAndProgressEvents() throws Exception {
        Path ds = dataRoot.resolve(DS);
        Map<String, Long> sizes = new LinkedHashMap<>();
        writeFile(sizes, ds, "a.txt", "alpha\n".getBytes(StandardCharsets.UTF_8));
        writeFile(sizes, ds, "big.bin", Trees.randomBytes(1, 100_000));
        writeFile(sizes, ds, "empty.txt", new byte[0]);
        writeFile(sizes, ds, "doomed-1.txt", "doomed 1\n".getBytes(StandardCharsets.UTF_8));
        writeFile(sizes, ds, "sub/doomed-2.txt", "doomed 2\n".getBytes(StandardCharsets.UTF_8));
        writeFile(sizes, ds, "sub/keep.txt", "keep\n".getBytes(StandardCharsets.UTF_8));
        writeFile(sizes, ds, "gone/g1.txt", "g1\n".getBytes(StandardCharsets.UTF_8));
        writeFile(sizes, ds, "gone/g2.txt", "g2\n".getBytes(StandardCharsets.UTF_8));
        writeFile(sizes, ds, "gone/g3.bin", Trees.randomBytes(2, 3000));
        Trees.symlink(ds.resolve("link"), "a.txt");
        sizes.put("link", 0L);
        Trees.mkdirs(ds.resolve("sub/empty"));
        long fileBytes = sizes.values().stream().mapToLong(Long::longValue).sum();
        long directories = 4; // ., sub, sub/empty, gone
        Trees.tick(scratch); // every change above is stamped before the level's start time

        Engine engine = new Engine(EngineOptions.defaults(dataRoot, backupRoot).withStartTimeMargin(Duration.ZERO));
        Recorder backup0 = new Recorder();
        BackupSummary level0 = engine.backup(DS, backup0);
        Trees.tick(scratch);
        TreeSnapshot expected0 = TreeSnapshot.of(ds);

        assertEquals(List.of(Phase.LOCKED, Phase.DIRECTORIES_WRITTEN, Phase.FILES_WRITTEN, Phase.ARCHIVE_SYNCED,
                Phase.ARCHIVE_COMMITTED, Phase.CHECKSUMS_WRITTEN, Phase.SNAPSHOT_COMMITTED), backup0.phases,
                "phases of a backup");
        assertEquals(sizes, backup0.fileMap(), "file events of level 0");
        assertEquals(sizes.size(), backup0.files.size(), "one event per file: " + backup0.files);
        assertEquals(List.of(), backup0.warnings, "warning events");
        Path archive0 = backupRoot.resolve("x/x_0/x0.tar.gz");
        assertAll("level 0 summary " + level0,
                () -> assertEquals(DS, level0.dataset(), "dataset"),
                () -> assertEquals(0, level0.cycle(), "cycle"),
                () -> assertEquals(0, level0.level(), "level"),
                () -> assertEquals(archive0.toAbsolutePath().normalize(), level0.archive().toAbsolutePath().normalize(),
                        "archive"),
                () -> assertEquals(sizes.size(), level0.files(), "files"),
                () -> assertEquals(fileBytes, level0.bytes(), "bytes"),
                () -> assertEquals(Files.size(archive0), level0.archiveBytes(), "archiveBytes"),
                () -> assertEquals(directories, level0.directories(), "directories"),
                () -> assertEquals(0, level0.deleted(), "deleted"),
                () -> assertEquals(List.of(), level0.warnings(), "warnings"),
                () -> assertTrue(level0.duration().compareTo(Duration.ZERO) > 0, "duration"));

        // level 1: two files and a directory of three files deleted, one file modified
        Files.delete(ds.resolve("doomed-1.txt"));
        Files.delete(ds.resolve("sub/doomed-2.txt"));
        Trees.deleteRecursively(ds.resolve("gone"));
        String modified = "alpha, modified for level 1\n";
        Files.writeString(ds.resolve("a.txt"), modified);
        Recorder backup1 = new Recorder();
        BackupSummary level1 = engine.backup(DS, backup1);
        Trees.tick(scratch);
        TreeSnapshot expected1 = TreeSnapshot.of(ds);
        assertEquals(backup0.phases, backup1.phases, "phases of an incremental backup");
        assertEquals(Map.of("a.txt", (long) modified.length()), backup1.fileMap(), "file events of level 1");
        assertAll("level 1 summary " + level1,
                () -> assertEquals(0, level1.cycle(), "cycle"),
                () -> assertEquals(1, level1.level(), "level"),
                () -> assertEquals(backupRoot.resolve("x/x_0/x1.tar.gz").toAbsolutePath().normalize(),
                        level1.archive().toAbsolutePath().normalize(), "archive"),
                () -> assertEquals(1, level1.files(), "files"),
                () -> assertEquals(modified.length(), level1.bytes(), "bytes"),
                () -> assertEquals(Files.size(level1.archive()), level1.archiveBytes(), "archiveBytes"),
                () -> assertEquals(3, level1.directories(), "directories: ., sub, sub/empty"),
                () -> assertEquals(3, level1.deleted(), "doomed-1.txt, sub/doomed-2.txt and gone"),
                () -> assertEquals(List.of(), level1.warnings(), "warnings"));

        // restore of level 1 into an empty data root, with a listener
        Path restoreRoot = Files.createDirectories(tmp.resolve("restore"));
        Engine restorer = new Engine(EngineOptions.defaults(restoreRoot, backupRoot));
        Recorder restore = new Recorder();
        RestoreSummary restored = restorer.restore(new RestoreSpec(DS, 0, 1), restore);
        assertEquals(List.of(Phase.LOCKED, Phase.STAGED, Phase.OLD_CONTENT_MOVED, Phase.SWAPPED), restore.phases,
                "phases of a restore");
        assertEquals(List.of(), restore.warnings, "warning events");
        assertEquals(level0.files() + level1.files(), restore.files.size(), "file events: " + restore.files);
        assertEquals(level0.bytes() + level1.bytes(), restore.files.stream().mapToLong(FileEvent::bytes).sum(),
                "bytes in file events");
        assertAll("restore summary " + restored,
                () -> assertEquals(DS, restored.dataset(), "dataset"),
                () -> assertEquals(0, restored.cycle(), "cycle"),
                () -> assertEquals(1, restored.level(), "level"),
                () -> assertEquals(level0.files() + level1.files(), restored.files(), "files"),
                () -> assertEquals(level0.bytes() + level1.bytes(), restored.bytes(), "bytes"),
                () -> assertEquals(3, restored.deleted(), "entries removed by level 1's listings"),
                () -> assertEquals(List.of(), restored.warnings(), "warnings"),
                () -> assertTrue(restored.duration().compareTo(Duration.ZERO) > 0, "duration"));
        TreeSnapshot.of(restoreRoot.resolve(DS)).assertSameAs(expected1, "restore of level 1");

        RestoreSummary restored0 = restorer.restore(new RestoreSpec(DS, 0, 0), new Recorder());
        assertEquals(level0.files(), restored0.files(), "files of a level 0 restore");
        assertEquals(level0.bytes(), restored0.bytes(), "bytes of a level 0 restore");
        assertEquals(0, restored0.deleted(), "a level 0 restore into staging deletes nothing");
        TreeSnapshot.of(restoreRoot.resolve(DS)).assertSameAs(expected0, "restore of level 0");

        // ProgressListener.NONE, explicitly and through the overloads without a listener
        Path noneRoot = Files.createDirectories(tmp.resolve("restore-none"));
        RestoreSummary quiet = new Engine(EngineOptions.defaults(noneRoot, backupRoot))
                .restore(new RestoreSpec(DS, 0, 1), ProgressListener.NONE);
        assertEquals(List.of(restored.level(), restored.files(), restored.bytes(), restored.deleted()),
                List.of(quiet.level(), quiet.files(), quiet.bytes(), quiet.deleted()),
                "same restore without a listener");
        TreeSnapshot.of(noneRoot.resolve(DS)).assertSameAs(expected1, "restore with ProgressListener.NONE");
        Files.writeString(ds.resolve("sub/keep.txt"), "kept, and modified for level 2\n");
        BackupSummary level2 = engine.backup(DS, ProgressListener.NONE);
        Trees.tick(scratch);
        assertEquals(2, level2.level());
        assertEquals(1, level2.files(), "sub/keep.txt");
        BackupSummary level3 = engine.backup(DS);
        assertEquals(3, level3.level());
        assertEquals(0, level3.files(), "nothing changed");
        assertEquals(0, level3.deleted());
        new Engine(EngineOptions.defaults(noneRoot, backupRoot)).restore(DS, 0, null);
        TreeSnapshot.of(noneRoot.resolve(DS)).assertSameAs(TreeSnapshot.of(ds), "restore of level 3");
    }

    private static void writeFile(Map<String, Long> sizes, Path ds, String rel, byte[] content) throws IOException {
        Trees.write(ds.resolve(rel), content);
        sizes.put(rel, (long) content.length);
    }

    record FileEvent(String path, long bytes) {
    }

    /** Records everything a run reports. */
    private static final class Recorder implements ProgressListener {
        final List<Phase> phases = new ArrayList<>();
        final List<FileEvent> files = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();

        @Override
        public void phase(Phase phase) {
            phases.add(phase);
        }

        @Override
        public void file(String path, long bytes) {
            files.add(new FileEvent(path, bytes));
        }

        @Override
        public void warning(String message) {
            warnings.add(message);
        }

        Map<String, Long> fileMap() {
            Map<String, Long> map = new LinkedHashMap<>();
            files.forEach(f -> map.put(f.path(), f.bytes()));
            return map;
        }
    }

    // ---- helpers

    /** One line of {@code tar -tvzf}. */
    record Member(char type, String owner, long size, String name, String linkTarget) {
    }

    /** The members of {@code archive} as {@code tar -tvzf} lists them. */
    private static List<Member> verboseMembers(Path archive) throws IOException {
        List<Member> members = new ArrayList<>();
        for (String line : GnuTar.run(null, List.of("tar", "-tvzf", archive.toAbsolutePath().toString()), false)
                .stdout()) {
            // e.g. "hrw-r--r-- root/root         0 2024-05-01 12:00 ./x/sub/b.txt link to ./x/a.txt"
            String[] f = line.trim().split("\\s+", 6);
            String rest = f[5];
            String name = rest;
            String target = null;
            if (f[0].charAt(0) == 'h') {
                int at = rest.indexOf(" link to ");
                name = rest.substring(0, at);
                target = rest.substring(at + " link to ".length());
            } else if (f[0].charAt(0) == 'l') {
                int at = rest.indexOf(" -> ");
                name = rest.substring(0, at);
                target = rest.substring(at + " -> ".length());
            }
            members.add(new Member(f[0].charAt(0), f[1], Long.parseLong(f[2]), name, target));
        }
        return members;
    }

    private static Member member(List<Member> members, String name) {
        return members.stream().filter(m -> m.name().equals(name)).findFirst().orElse(null);
    }

    private static long ino(Path p) throws IOException {
        return (Long) Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS);
    }

    private static long dev(Path p) throws IOException {
        return (Long) Files.getAttribute(p, "unix:dev", LinkOption.NOFOLLOW_LINKS);
    }

    private static int uid(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    private static int gid(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private void mountTmpfs(Path dir) throws Exception {
        int exit = run("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", dir.toString());
        Assumptions.assumeTrue(exit == 0, "cannot mount a tmpfs here (not root, or no CAP_SYS_ADMIN)");
        mounts.add(dir);
    }

    private static int run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        if (exit != 0) {
            System.err.println(String.join(" ", command) + " exited " + exit + ": " + output);
        }
        return exit;
    }
}
