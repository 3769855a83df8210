package org.aiod.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.aiod.backup.engine.Engine;
import org.aiod.backup.engine.EngineOptions;
import org.aiod.backup.engine.LevelVerified;
import org.aiod.backup.engine.VerifyDepth;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.BeforeEach;
import org.aiod.backup.cli.CliProcess.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code prune} and {@code verify --depth} on the command line, each in a process of its own. */
class CliLifecycleTest {

    @TempDir
    Path tmp;

    private Path data;
    private Path backups;


    @BeforeEach
    void datasets() throws Exception {
        data = tmp.resolve("data");
        backups = tmp.resolve("backups");
        Trees.write(data.resolve("connectors/config.yml"), "a: 1\n");
        Trees.write(data.resolve("mlflow/runs/1.json"), "{}");
    }

    /** Three cycles of each dataset (one level per cycle). */
    private void threeCycles() throws Exception {
        for (int i = 0; i < 3; i++) {
            for (String ds : List.of("connectors", "mlflow")) {
                Trees.write(data.resolve(ds + "/n" + i), "change " + i);
                Result backup = cli("--cycle-length", "1", "backup", ds);
                assertEquals(0, backup.exit(), backup.err());
            }
        }
    }

    private List<String> cycles(String ds) throws Exception {
        try (var list = Files.list(backups.resolve(ds))) {
            return list.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(ds + "_")).sorted().toList();
        }
    }

    @Test
    void aDryRunListsWhatWouldGoAndChangesNothingThenPruneOfEveryDatasetRemovesIt() throws Exception {
        threeCycles();
        Result dry = cli("-Dbackup.retention.keep-last=1", "prune", "connectors", "--dry-run");
        assertEquals(0, dry.exit(), dry.err());
        assertTrue(dry.out().startsWith("dry run: pruning connectors: would remove 2 cycles, "), dry.out());
        assertTrue(dry.out().contains("  would remove cycle 0: 1 level, "), dry.out());
        assertTrue(dry.out().contains("  would remove cycle 1: 1 level, "), dry.out());
        assertTrue(dry.out().contains("  kept cycle 2: "), dry.out());
        assertTrue(dry.out().contains("nothing was changed"), dry.out());
        assertEquals(List.of("connectors_0", "connectors_1", "connectors_2"), cycles("connectors"));

        Result all = cli("-Dbackup.retention.keep-last=1", "prune");
        assertEquals(0, all.exit(), all.err());
        assertTrue(all.out().contains("pruned connectors: removed 2 cycles, "), all.out());
        assertTrue(all.out().contains("pruned mlflow: removed 2 cycles, "), all.out());
        assertEquals(List.of("connectors_2"), cycles("connectors"));
        assertEquals(List.of("mlflow_2"), cycles("mlflow"));
    }

    @Test
    void withoutRetentionAPruneRemovesNothingAndSaysSo() throws Exception {
        threeCycles();
        Result prune = cli("prune", "connectors");
        assertEquals(0, prune.exit(), prune.err());
        assertTrue(prune.out().startsWith("pruned connectors: removed 0 cycles"), prune.out());
        assertTrue(prune.out().contains("warning: retention: keep every cycle (backup.retention.* not set)"),
                prune.out());
        assertEquals(List.of("connectors_0", "connectors_1", "connectors_2"), cycles("connectors"));
    }

    @Test
    void pruneOfEveryDatasetExitsWithTheWorstStatus() throws Exception {
        threeCycles();
        Result unknown = cli("-Dbackup.retention.keep-last=1", "prune", "nosuch");
        assertEquals(1, unknown.exit(), unknown.out());
        assertTrue(unknown.err().contains("unknown dataset 'nosuch'"), unknown.err());
        Result usage = cli("prune", "--depth", "drill");
        assertEquals(2, usage.exit(), usage.err());
    }

    @Test
    void verifyDrillExitsZeroWhenWholeAndOneWhenCorruptAndRecordsTheVerify() throws Exception {
        assertEquals(0, cli("backup", "connectors").exit());
        Result drill = cli("verify", "connectors", "--depth", "drill");
        assertEquals(0, drill.exit(), drill.out() + drill.err());
        assertTrue(drill.out().contains("OK       cycle 0 level 0  connectors0.tar.gz"), drill.out());
        assertTrue(drill.out().contains("drill    cycle 0 level 0 restored into a scratch directory: "), drill.out());
        assertTrue(drill.out().contains("1 archives read to the end, none corrupt; the drill passed"), drill.out());
        List<LevelVerified> recorded = new Engine(EngineOptions.defaults(data, backups)).verifications("connectors");
        assertEquals(1, recorded.size(), recorded.toString());
        assertEquals(VerifyDepth.DRILL, recorded.get(0).depth());

        // the old form records too, at checksums depth
        Result checksums = cli("verify", "connectors");
        assertEquals(0, checksums.exit(), checksums.err());
        assertEquals(VerifyDepth.CHECKSUMS, new Engine(EngineOptions.defaults(data, backups))
                .verifications("connectors").get(0).depth());

        Path archive = backups.resolve("connectors/connectors_0/connectors0.tar.gz");
        try (RandomAccessFile file = new RandomAccessFile(archive.toFile(), "rw")) {
            file.seek(file.length() / 2);
            int b = file.read();
            file.seek(file.length() / 2);
            file.write(b ^ 0xff);
        }
        Result bad = cli("verify", "connectors", "--depth", "drill");
        assertEquals(1, bad.exit(), bad.out() + bad.err());
        assertTrue(bad.out().contains("CORRUPT  cycle 0 level 0  connectors0.tar.gz"), bad.out());
        assertFalse(bad.out().contains("none corrupt"), bad.out());

        Result wrong = cli("verify", "connectors", "--depth", "deep");
        assertEquals(2, wrong.exit());
        assertEquals("aiod-backup: --depth must be checksums or drill, got 'deep'", wrong.err().strip());
    }

    /** Runs the artifact's entry point in a new JVM; leading {@code -D} words become JVM options. */
    private Result cli(String... words) throws Exception {
        return cli(false, words);
    }

    /** As {@link #cli(String...)}; {@code unprivileged}: without root's power to read any file. */
    private Result cli(boolean unprivileged, String... words) throws Exception {
        return CliProcess.run(data, backups, unprivileged, words);
    }

}
