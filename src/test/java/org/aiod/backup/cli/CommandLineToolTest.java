package org.aiod.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.aiod.backup.engine.testing.TreeSnapshot;
import org.aiod.backup.engine.testing.Trees;
import org.aiod.backup.testing.Unprivileged;
import org.junit.jupiter.api.BeforeEach;
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

    record Result(int exit, String out, String err) {
    }

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
        List<String> jvm = new ArrayList<>();
        List<String> args = new ArrayList<>();
        for (String word : words) {
            (word.startsWith("-D") ? jvm : args).add(word);
        }
        jvm.add("-Dbackup.data-root=" + data);
        jvm.add("-Dbackup.backup-root=" + backups);
        if (jvm.stream().noneMatch(w -> w.startsWith("-Dbackup.lock-timeout="))) {
            jvm.add("-Dbackup.lock-timeout=10s");
        }
        List<String> command = new ArrayList<>(List.of(javaBinary()));
        command.addAll(jvm);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(args);
        Process process = new ProcessBuilder(unprivileged ? Unprivileged.command(command) : command).start();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(process.waitFor(), out, err);
    }

    private static List<String> java(String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-cp", System.getProperty("java.class.path"),
                mainClass));
        command.addAll(List.of(args));
        return command;
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
