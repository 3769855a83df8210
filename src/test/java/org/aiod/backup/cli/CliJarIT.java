package org.aiod.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.aiod.backup.engine.testing.TreeSnapshot;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged artifact ({@code target/quarkus-app/quarkus-run.jar}, what the image runs) as a one-shot command
 * line: {@code --help}, then a backup, restores and a listing of a dataset, each a {@code java -jar} of its own with
 * the roots given as system properties. Runs after {@code package} (failsafe), in the prod profile, with no
 * credentials, no port and no broker configured: a command needs none.
 */
class CliJarIT {

    private static Path jar;

    @TempDir
    Path tmp;

    private Path data;
    private Path backups;

    record Result(int exit, String out, String err) {
    }

    @BeforeAll
    static void theArtifactIsBuilt() {
        jar = Path.of(System.getProperty("quarkus.app.dir", "target/quarkus-app")).resolve("quarkus-run.jar")
                .toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), jar + " is built by package before the integration tests");
    }

    @BeforeEach
    void dataset() throws IOException {
        data = tmp.resolve("data");
        backups = tmp.resolve("backups");
        Trees.write(data.resolve("connectors/state/offsets.json"), "{\"offset\": 1}");
        Trees.write(data.resolve("connectors/config.yml"), "a: 1\n");
        Trees.write(data.resolve("connectors/blob.bin"), Trees.randomBytes(3, 200_000));
        Trees.symlink(data.resolve("connectors/current"), "state/offsets.json");
    }

    @Test
    void helpPrintsTheUsageAndExitsZero() throws Exception {
        Result help = run(List.of("--help"));
        assertEquals(0, help.exit(), help.err());
        assertTrue(help.out().startsWith("Usage: aiod-backup [command]"), help.out());
        assertTrue(help.out().contains("restore <dataset> <cycle> [<level>]"), help.out());
        assertFalse(help.out().contains("Listening on"), "no server started");
    }

    @Test
    void backupRestoreAndListLikeTheLegacyEntryRestore() throws Exception {
        Path dir = data.resolve("connectors");
        Result first = cli("backup", "connectors");
        assertEquals(0, first.exit(), first.err());
        assertTrue(first.out().startsWith("backed up connectors: cycle 0 level 0, 4 files"), first.out());
        assertTrue(Files.isRegularFile(backups.resolve("connectors/connectors_0/connectors0.tar.gz")));
        TreeSnapshot level0 = TreeSnapshot.of(dir);

        Trees.tick(tmp);
        Files.delete(dir.resolve("config.yml"));
        Trees.write(dir.resolve("state/offsets.json"), "{\"offset\": 2}");
        Trees.write(dir.resolve("new/file.txt"), "new");
        Result second = cli("backup", "connectors");
        assertEquals(0, second.exit(), second.err());
        assertTrue(second.out().startsWith("backed up connectors: cycle 0 level 1,"), second.out());
        TreeSnapshot level1 = TreeSnapshot.of(dir);

        Trees.tick(tmp);
        Trees.write(dir.resolve("state/offsets.json"), "{\"offset\": 3}");
        Trees.write(dir.resolve("unsaved.txt"), "in no backup");

        Result restore0 = cli("restore", "connectors", "0", "0");
        assertEquals(0, restore0.exit(), restore0.err());
        assertTrue(restore0.out().startsWith("restored connectors from cycle 0 level 0: 4 files"), restore0.out());
        TreeSnapshot.of(dir).assertSameAs(level0, "restored to level 0 by the packaged command line");

        Result restoreLast = cli("restore", "connectors", "0");
        assertEquals(0, restoreLast.exit(), restoreLast.err());
        assertTrue(restoreLast.out().startsWith("restored connectors from cycle 0 level 1:"), restoreLast.out());
        TreeSnapshot.of(dir).assertSameAs(level1, "restored to the cycle's last level by the packaged command line");

        Result list = cli("list", "connectors");
        assertEquals(0, list.exit(), list.err());
        assertTrue(list.out().startsWith("connectors:\n  cycle 0"), list.out());
        assertTrue(list.out().contains("level 0 ") && list.out().contains("level 1 "), list.out());
        assertFalse(list.out().contains("not in SHA256SUMS"), list.out());

        for (Result r : List.of(first, second, restore0, restoreLast, list)) {
            assertFalse((r.out() + r.err()).contains("Listening on"), "a command starts no server");
            assertFalse((r.out() + r.err()).contains("AMQ"), "a command starts no broker");
        }
    }

    @Test
    void mistakesExitWithTheirStatus() throws Exception {
        Result usage = cli("restore", "connectors");
        assertEquals(2, usage.exit(), usage.out());
        assertTrue(usage.err().startsWith("aiod-backup: restore takes 2 to 3 argument(s)"), usage.err());
        Result noCycle = cli("restore", "connectors", "9");
        assertEquals(1, noCycle.exit(), noCycle.out());
        assertTrue(noCycle.err().startsWith("aiod-backup: "), noCycle.err());
    }

    private Result cli(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add("-Dbackup.data-root=" + data);
        command.add("-Dbackup.backup-root=" + backups);
        command.addAll(List.of(args));
        return run(command);
    }

    /** {@code java [jvm options] -jar quarkus-run.jar [args]}: leading {@code -D} options go to the JVM. */
    private Result run(List<String> arguments) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> args = new ArrayList<>();
        for (String a : arguments) {
            (a.startsWith("-D") ? command : args).add(a);
        }
        command.add("-Djava.io.tmpdir=" + tmp);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(args);
        Path out = tmp.resolve("out-" + System.nanoTime());
        Path err = tmp.resolve("err-" + System.nanoTime());
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("LANG", "C.UTF-8");
        builder.environment().put("LC_ALL", "C.UTF-8");
        builder.environment().remove("QUARKUS_PROFILE");
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
