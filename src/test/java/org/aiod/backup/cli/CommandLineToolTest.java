package org.aiod.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.aiod.backup.engine.testing.TreeSnapshot;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.BeforeEach;
import org.aiod.backup.cli.CliProcess.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line end to end, each command in a process of its own as an operator runs it: exit status, output,
 * and what it did on disk. No server and no broker exist here, which is the point: a command needs neither.
 */
class CommandLineToolTest {

    @TempDir
    Path tmp;

    private Path data;
    private Path backups;


    @BeforeEach
    void dataset() throws Exception {
        data = tmp.resolve("data");
        backups = tmp.resolve("backups");
        Trees.write(data.resolve("connectors/state/offsets.json"), "{\"offset\": 1}");
        Trees.write(data.resolve("connectors/config.yml"), "a: 1\n");
    }

    @Test
    void backupListRestoreAndVerifyLikeTheLegacyEntryRestore() throws Exception {
        Result first = cli("backup", "connectors");
        assertEquals(0, first.exit(), first.err());
        assertTrue(first.out().startsWith("backed up connectors: cycle 0 level 0, 2 files"), first.out());
        TreeSnapshot level0 = TreeSnapshot.of(data.resolve("connectors"));
        Trees.tick(tmp);
        Files.delete(data.resolve("connectors/config.yml"));
        Trees.write(data.resolve("connectors/state/offsets.json"), "{\"offset\": 2}");
        assertEquals(0, cli("backup", "connectors").exit());
        TreeSnapshot level1 = TreeSnapshot.of(data.resolve("connectors"));

        Result list = cli("list");
        assertEquals(0, list.exit(), list.err());
        assertTrue(list.out().contains("connectors:\n  cycle 0"), list.out());
        assertTrue(list.out().contains("level 0 ") && list.out().contains("level 1 "), list.out());

        Result restore = cli("restore", "connectors", "0", "0");
        assertEquals(0, restore.exit(), restore.err());
        assertTrue(restore.out().startsWith("restored connectors from cycle 0 level 0: 2 files,"), restore.out());
        TreeSnapshot.of(data.resolve("connectors")).assertSameAs(level0, "after restore connectors 0 0");
        assertEquals(0, cli("restore", "connectors", "0").exit());
        TreeSnapshot.of(data.resolve("connectors")).assertSameAs(level1, "after restore connectors 0");

        Result verify = cli("verify", "connectors");
        assertEquals(0, verify.exit(), verify.err());
        assertTrue(verify.out().contains("2 archives read to the end, none corrupt"), verify.out());
    }

    @Test
    void everyFailureIsOneLineAndANonZeroStatus() throws Exception {
        assertEquals(0, cli("backup", "connectors").exit());
        assertFailure(cli("backup", "nope"), 1, "aiod-backup: unknown dataset 'nope' (known: [connectors])");
        // the one validation of every source: the code and message of an AMQP or HTTP rejection (INVALID_DATASET)
        assertFailure(cli("backup", "../x"), 1,
                "aiod-backup: invalid dataset name '../x': expected [A-Za-z0-9][A-Za-z0-9._-]*, at most 128"
                        + " characters");
        assertFailure(cli("restore", "connectors", "3"), 1, "aiod-backup: dataset 'connectors' has no cycle 3");
        assertFailure(cli("restore", "connectors", "0", "4"), 1,
                "aiod-backup: cycle 0 of dataset 'connectors' has levels 0..0; there is no level 4");
        assertFailure(cli("restore", "connectors", "x"), 2,
                "aiod-backup: cycle must be a whole number of 0 or more, got 'x'");
        assertFailure(cli("frobnicate"), 2,
                "aiod-backup: unknown command 'frobnicate' (expected restore, backup, list, verify or --help)");

        TreeSnapshot before = TreeSnapshot.of(data.resolve("connectors"));
        Path archive = backups.resolve("connectors/connectors_0/connectors0.tar.gz");
        try (RandomAccessFile file = new RandomAccessFile(archive.toFile(), "rw")) {
            file.seek(file.length() / 2);
            int b = file.read();
            file.seek(file.length() / 2);
            file.write(b ^ 0xff);
        }
        Result verify = cli("verify", "connectors");
        assertEquals(1, verify.exit());
        assertTrue(verify.out().contains("CORRUPT  cycle 0 level 0  connectors0.tar.gz"), verify.out());
        Result restore = cli("restore", "connectors", "0");
        assertEquals(1, restore.exit());
        assertEquals(1, restore.err().lines().count(), restore.err());
        assertTrue(restore.err().contains("connectors0.tar.gz"), restore.err());
        TreeSnapshot.of(data.resolve("connectors")).assertSameAs(before, "a refused restore changes nothing");
    }

    @Test
    void aGapInACycleShowsInListAndVerifyAndARestorePastItFails() throws Exception {
        for (int level = 0; level < 3; level++) {
            Trees.write(data.resolve("connectors/level" + level + ".txt"), "level " + level);
            assertEquals(0, cli("backup", "connectors").exit());
        }
        Files.delete(backups.resolve("connectors/connectors_0/connectors1.tar.gz"));
        TreeSnapshot before = TreeSnapshot.of(data.resolve("connectors"));

        Result list = cli("list", "connectors");
        assertEquals(0, list.exit(), list.err());
        assertTrue(list.out().contains("GAP: level 1 missing; level 2 after it cannot be restored"), list.out());
        Result verify = cli("verify", "connectors");
        assertEquals(1, verify.exit(), verify.out());
        assertTrue(verify.out().contains("MISSING  cycle 0 level 1"), verify.out());
        assertTrue(verify.err().contains("1 levels of 'connectors' are missing"), verify.err());
        Result restore = cli("restore", "connectors", "0");
        assertEquals(1, restore.exit());
        assertTrue(restore.err().startsWith("aiod-backup: cycle 0 of dataset 'connectors' is missing the archive of"
                + " level 1, so level 2 (its last) cannot be restored"), restore.err());
        assertEquals(1, cli("restore", "connectors", "0", "2").exit());
        TreeSnapshot.of(data.resolve("connectors")).assertSameAs(before, "refused restores change nothing");
    }

    @Test
    void aDatasetPathThatIsASymlinkIsRefusedNamingIt() throws Exception {
        assertEquals(0, cli("backup", "connectors").exit());
        Path elsewhere = Files.move(data.resolve("connectors"), tmp.resolve("elsewhere"));
        Files.createSymbolicLink(data.resolve("connectors"), elsewhere);
        TreeSnapshot outside = TreeSnapshot.of(elsewhere);
        for (List<String> command : List.of(List.of("backup", "connectors"), List.of("restore", "connectors", "0"),
                List.of("verify", "connectors"))) {
            Result refused = cli(command.toArray(String[]::new));
            assertEquals(1, refused.exit(), command + ": " + refused.out());
            assertTrue(refused.err().contains(data.resolve("connectors") + " is a symbolic link to " + elsewhere),
                    command + ": " + refused.err());
        }
        TreeSnapshot.of(elsewhere).assertSameAs(outside, "the symlink's target");
    }

    @Test
    void aCommandWaitsForTheDatasetLockThenGivesUp() throws Exception {
        assertEquals(0, cli("backup", "connectors").exit());
        Process holder = new ProcessBuilder(java("org.aiod.backup.engine.LockHolderMain",
                backups.resolve(".aiod-backup/locks/connectors.lock").toString(), "connectors")).start();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                    StandardCharsets.UTF_8));
            assertEquals("LOCKED", lines.readLine());
            Result refused = cli("-Dbackup.lock-timeout=300ms", "restore", "connectors", "0");
            assertEquals(1, refused.exit());
            assertTrue(refused.err().startsWith("aiod-backup: dataset 'connectors' is busy"), refused.err());
            assertEquals(1, cli("-Dbackup.lock-timeout=300ms", "backup", "connectors").exit());
        } finally {
            holder.destroyForcibly().waitFor();
        }
        assertEquals(0, cli("backup", "connectors").exit(), "free again once the holder is gone");
    }

    @Test
    void helpDocumentsEveryCommand() throws Exception {
        Result help = cli("--help");
        assertEquals(0, help.exit());
        for (String command : List.of("restore <dataset> <cycle> [<level>]", "backup <dataset>", "list [<dataset>]",
                "verify <dataset> [<cycle>]")) {
            assertTrue(help.out().contains(command), help.out());
        }
    }

    /**
     * The legacy scripts' arguments, one to one: {@code backup.sh SRC DST N} is {@code backup --data-root
     * <parent of SRC> --backup-root DST --cycle-length N <name of SRC>}, and {@code restore.sh DST/<name> CYCLE DEST
     * --level L} (which extracts into {@code DEST/<name>}) is {@code restore --backup-root DST --data-root DEST <name>
     * CYCLE L}. The options take the place of the configured roots (here the {@code -D} ones the helper passes).
     */
    @Test
    void theLegacyScriptsArgumentsMapOneToOneOntoTheOptions() throws Exception {
        Path src = tmp.resolve("original/mydata");
        Path dst = Files.createDirectories(tmp.resolve("legacy-backups"));
        Trees.write(src.resolve("file1.txt"), "Content of file1.txt\n");
        Trees.write(src.resolve("file2.txt"), "Content of file2.txt\n");
        String[] backupSh = {"backup", "--data-root", src.getParent().toString(), "--backup-root", dst.toString(),
            "--cycle-length", "2", "mydata"};

        Result first = cli(backupSh);
        assertEquals(0, first.exit(), first.err());
        assertTrue(first.out().startsWith("backed up mydata: cycle 0 level 0, 2 files"), first.out());
        TreeSnapshot level0 = TreeSnapshot.of(src);
        Trees.tick(tmp);
        Files.delete(src.resolve("file1.txt"));
        Trees.write(src.resolve("file2.txt"), "Content of new file\n");
        assertEquals(0, cli(backupSh).exit());
        TreeSnapshot level1 = TreeSnapshot.of(src);
        Result third = cli(backupSh);
        assertEquals(0, third.exit(), third.err());
        assertTrue(third.out().startsWith("backed up mydata: cycle 1 level 0,"), "cycle length 2: " + third.out());
        // the layout the legacy backup.sh writes for these arguments
        for (String archive : List.of("mydata/mydata_0/mydata0.tar.gz", "mydata/mydata_0/mydata1.tar.gz",
                "mydata/mydata_1/mydata0.tar.gz")) {
            assertTrue(Files.isRegularFile(dst.resolve(archive)), archive);
        }
        assertTrue(Files.exists(dst.resolve(".aiod-backup/locks/mydata.lock")), "the state follows the backup root");
        assertFalse(Files.exists(backups), "the configured backup root is not touched");

        Path dest = Files.createDirectories(tmp.resolve("restored"));
        Result restore = cli("restore", "--backup-root", dst.toString(), "--data-root", dest.toString(), "mydata",
                "0", "0");
        assertEquals(0, restore.exit(), restore.err());
        assertTrue(restore.out().startsWith("restored mydata from cycle 0 level 0: 2 files,"), restore.out());
        TreeSnapshot.of(dest.resolve("mydata")).assertSameAs(level0, "restore.sh DST/mydata 0 DEST --level 0");
        Result last = cli("restore", "mydata", "0", "--data-root=" + dest, "--backup-root=" + dst);
        assertEquals(0, last.exit(), last.err());
        TreeSnapshot.of(dest.resolve("mydata")).assertSameAs(level1, "restore.sh DST/mydata 0 DEST");
        TreeSnapshot.of(src).assertSameAs(level1, "the backed-up directory is untouched");
    }

    @Test
    void optionsAreNeverDatasetNames() throws Exception {
        for (List<String> line : List.of(List.of("backup", "--help"), List.of("restore", "connectors", "0", "--help"),
                List.of("--data-root", "/nowhere", "list", "-h"))) {
            Result help = cli(line.toArray(String[]::new));
            assertEquals(0, help.exit(), line + ": " + help.err());
            assertTrue(help.out().startsWith("Usage: aiod-backup"), line + ": " + help.out());
            assertEquals("", help.err(), line.toString());
        }
        assertFailure(cli("backup", "--x", "connectors"), 2, "aiod-backup: unknown option '--x' (see --help)");
        assertFailure(cli("backup", "connectors", "--dry-run"), 2,
                "aiod-backup: unknown option '--dry-run' (see --help)");
        assertFailure(cli("backup", "connectors", "--data-root"), 2, "aiod-backup: --data-root needs a value (see"
                + " --help)");
        assertFailure(cli("backup", "connectors", "--cycle-length", "0"), 2,
                "aiod-backup: --cycle-length must be a whole number of 1 or more, got '0'");
        // after "--" a word is an argument, so "--help" is a dataset name, and not a valid one
        assertFailure(cli("backup", "--", "--help"), 1, "aiod-backup: invalid dataset name '--help': expected"
                + " [A-Za-z0-9][A-Za-z0-9._-]*, at most 128 characters");
        assertFalse(Files.exists(backups), "no command that was refused wrote anything");
        Result backup = cli("backup", "--", "connectors");
        assertEquals(0, backup.exit(), backup.err());
    }

    /**
     * Point in time across a cycle boundary (cycle length 2): levels c0/l0, c0/l1 and c1/l0 are given archive times
     * an hour apart; {@code --at} restores the last one completed at or before the instant and says which it chose.
     */
    @Test
    void restoreAtTakesTheLastLevelCompletedByThenAcrossACycleBoundary() throws Exception {
        Path dir = data.resolve("connectors");
        List<TreeSnapshot> trees = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Trees.write(dir.resolve("state/offsets.json"), "{\"offset\": " + (10 + i) + "}");
            Trees.write(dir.resolve("level" + i + ".txt"), "written before backup " + i);
            Result backup = cli("backup", "connectors", "--cycle-length", "2");
            assertEquals(0, backup.exit(), backup.err());
            trees.add(TreeSnapshot.of(dir));
            Trees.tick(tmp);
        }
        Instant t = Instant.parse("2026-11-30T00:00:00Z");
        completedAt("connectors/connectors_0/connectors0.tar.gz", t);
        completedAt("connectors/connectors_0/connectors1.tar.gz", t.plus(Duration.ofHours(1)));
        completedAt("connectors/connectors_1/connectors0.tar.gz", t.plus(Duration.ofHours(2)));

        Result inCycle0 = cli("restore", "connectors", "--at", "2026-11-30T01:30:00Z");
        assertEquals(0, inCycle0.exit(), inCycle0.err());
        assertTrue(inCycle0.out().startsWith("at 2026-11-30 01:30:00Z: cycle 0 level 1 of connectors, completed"
                + " 2026-11-30 01:00:00Z\nrestored connectors from cycle 0 level 1: "), inCycle0.out());
        TreeSnapshot.of(dir).assertSameAs(trees.get(1), "--at 01:30");

        Result boundary = cli("restore", "--at=2026-11-30T03:00:00+01:00", "connectors");
        assertEquals(0, boundary.exit(), boundary.err());
        assertTrue(boundary.out().startsWith("at 2026-11-30 02:00:00Z: cycle 1 level 0 of connectors"),
                boundary.out());
        TreeSnapshot.of(dir).assertSameAs(trees.get(2), "--at 02:00Z, the next cycle's level 0");

        Result early = cli("restore", "connectors", "--at", "2026-11-29T23:59:59Z");
        assertFailure(early, 1, "aiod-backup: dataset 'connectors' has no level completed at or before"
                + " 2026-11-29T23:59:59Z; its earliest, cycle 0 level 0, was completed at 2026-11-30T00:00:00Z");
        assertFailure(cli("restore", "connectors", "0", "--at", "2026-11-30T01:30:00Z"), 2,
                "aiod-backup: restore takes <cycle> [<level>] or --at TIME, not both");
        assertFailure(cli("restore", "connectors", "--at", "2026-11-30 01:30"), 2, "aiod-backup: --at must be an"
                + " ISO-8601 time with an offset, such as 2026-11-30T02:00:00Z, got '2026-11-30 01:30'");
        assertFailure(cli("restore", "nope", "--at", "2026-11-30T01:30:00Z"), 1,
                "aiod-backup: unknown dataset 'nope' (known: [connectors])");
        TreeSnapshot.of(dir).assertSameAs(trees.get(2), "refused restores change nothing");
    }

    @Test
    void restoreToADirectoryOnlySomePathsAndADryRunFirst() throws Exception {
        Path dir = data.resolve("connectors");
        assertEquals(0, cli("backup", "connectors").exit());
        TreeSnapshot level0 = TreeSnapshot.of(dir);
        Trees.tick(tmp);
        Trees.write(dir.resolve("config.yml"), "a: 2, changed after the backup\n");
        Trees.write(dir.resolve("state/new.json"), "{}");
        TreeSnapshot live = TreeSnapshot.of(dir);

        // like restore.sh's destination: anywhere, the CLI is not bound to backup.restore.allowed-targets
        Path elsewhere = tmp.resolve("elsewhere/connectors");
        Result to = cli("restore", "connectors", "0", "--to", elsewhere.toString());
        assertEquals(0, to.exit(), to.err());
        assertTrue(to.out().startsWith("restored connectors from cycle 0 level 0 into " + elsewhere + ": 2 files"),
                to.out());
        TreeSnapshot.of(elsewhere).assertSameAs(level0, "restore --to");
        TreeSnapshot.of(dir).assertSameAs(live, "the dataset after restore --to");
        assertFailure(cli("restore", "connectors", "0", "--to", elsewhere.toString()), 1, "aiod-backup: restore"
                + " target " + elsewhere + " is not empty; ask to overwrite it, or name an empty or new directory");
        assertEquals(0, cli("restore", "connectors", "0", "--to", elsewhere.toString(), "--overwrite").exit());

        Result dry = cli("restore", "connectors", "0", "--dry-run");
        assertEquals(0, dry.exit(), dry.err());
        assertEquals(String.join("\n",
                "dry run: restoring connectors from cycle 0 level 0 into the dataset would",
                "  create  0 files, 0 B",
                "  replace 1 file, 5 B",
                "    config.yml",
                "  delete  1 file, 2 B",
                "    state/new.json",
                "  leave 1 unchanged; create 0 and delete 0 directories",
                "nothing was changed"), dry.out().strip());
        TreeSnapshot.of(dir).assertSameAs(live, "the dataset after a dry run");

        Result subset = cli("restore", "connectors", "0", "--path", "config.yml");
        assertEquals(0, subset.exit(), subset.err());
        assertEquals("a: 1\n", Files.readString(dir.resolve("config.yml")), "the path restored");
        assertTrue(Files.exists(dir.resolve("state/new.json")), "everything else left as it is");
        assertFailure(cli("restore", "connectors", "0", "--path", "nope"), 1,
                "aiod-backup: 'nope' is not in dataset 'connectors' at cycle 0 level 0");
        assertFailure(cli("restore", "connectors", "0", "--path", "../etc"), 1,
                "aiod-backup: path \"../etc\" contains '..'");
    }

    private void completedAt(String archive, Instant time) throws Exception {
        Files.setLastModifiedTime(backups.resolve(archive), FileTime.from(time));
    }

    /**
     * A backup that could not read some files (mode 000; as root the command runs without the capabilities that
     * bypass it) commits its level, exits 3 (not 0, not 1) and lists each missed file on standard error.
     */
    @Test
    void aBackupMissingUnreadableFilesExitsThreeAndListsWhatItMissed() throws Exception {
        Trees.chmod(Trees.write(data.resolve("connectors/state/private.key"), "secret\n"), "---------");
        Result partial = cli(true, "backup", "connectors");
        assertEquals(3, partial.exit(), partial.out() + partial.err());
        assertTrue(partial.out().startsWith("backed up connectors: cycle 0 level 0, 2 files"), partial.out());
        assertTrue(partial.err().contains("PARTIAL: level 0 of cycle 0 was committed without 1 file that could not"
                + " be read"), partial.err());
        assertTrue(partial.err().contains("  not taken: state/private.key (permission denied)"), partial.err());
        assertTrue(Files.isRegularFile(backups.resolve("connectors/connectors_0/connectors0.tar.gz")));
        // once readable, the next backup is complete again: fixing the mode moves the ctime, so the file is taken
        Trees.chmod(data.resolve("connectors/state/private.key"), "rw-------");
        Result complete = cli(true, "backup", "connectors");
        assertEquals(0, complete.exit(), complete.err());
        assertTrue(complete.out().startsWith("backed up connectors: cycle 0 level 1, "), complete.out());
        assertTrue(org.aiod.backup.engine.testing.GnuTar.members(backups.resolve(
                "connectors/connectors_0/connectors1.tar.gz")).contains("./connectors/state/private.key"),
                "level 1 holds the file level 0 missed");
    }

    private static void assertFailure(Result result, int exit, String line) {
        assertEquals(exit, result.exit(), result.err());
        assertEquals(line, result.err().strip());
    }

    /** Runs the artifact's entry point in a new JVM; leading {@code -D} words become JVM options. */
    private Result cli(String... words) throws Exception {
        return cli(false, words);
    }

    /** As {@link #cli(String...)}; {@code unprivileged}: without root's power to read any file. */
    private Result cli(boolean unprivileged, String... words) throws Exception {
        return CliProcess.run(data, backups, unprivileged, words);
    }

    private static List<String> java(String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(CliProcess.javaBinary(), CliProcess.QUICK_START.get(0),
                CliProcess.QUICK_START.get(1), "-cp", System.getProperty("java.class.path"),
                mainClass));
        command.addAll(List.of(args));
        return command;
    }

}
