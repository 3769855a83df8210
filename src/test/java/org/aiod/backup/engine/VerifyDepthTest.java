package org.aiod.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.aiod.backup.engine.testing.ChangeScenario;
import org.aiod.backup.engine.testing.GnuTar;
import org.aiod.backup.engine.testing.RawNames;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Verify at its two depths on real trees and archives: {@code checksums} finds a corrupted byte in every kind of
 * archive (listed gzip and zstd, a legacy gzip archive with no line in SHA256SUMS), {@code drill} finds a bad member
 * that the checksums cannot (an archive rewritten consistently with its SHA256SUMS line), a healthy drill leaves no
 * scratch directory, a killed one leaves one that the leftover recovery removes, and every verify is recorded per
 * level, and forgotten once its archive changes or goes.
 */
class VerifyDepthTest {

    private static final String DS = "x";

    @TempDir
    Path tmp;

    private Path dataRoot;
    private Path backupRoot;
    private Path dataset;
    private Engine engine;

    @BeforeEach
    void roots() throws IOException {
        dataRoot = tmp.resolve("data");
        backupRoot = tmp.resolve("backups");
        dataset = dataRoot.resolve(DS);
        engine = new Engine(EngineOptions.defaults(dataRoot, backupRoot));
    }

    /** Level 0 and level 1 of cycle 0: files, a sub-directory, a symlink, a file added and one deleted at level 1. */
    private void twoLevels(Engine engine) throws IOException {
        Trees.write(dataset.resolve("a.txt"), "alpha\n");
        Trees.write(dataset.resolve("big.bin"), Trees.randomBytes(1, 200 * 1024));
        Trees.write(dataset.resolve("dir/b.txt"), "beta\n");
        Trees.write(dataset.resolve("dir/gone.txt"), "deleted before level 1\n");
        Trees.symlink(dataset.resolve("link"), "a.txt");
        engine.backup(DS);
        Trees.write(dataset.resolve("a.txt"), "alpha, changed at level 1\n");
        Trees.write(dataset.resolve("dir/only1.txt"), "only in level 1\n");
        Files.delete(dataset.resolve("dir/gone.txt"));
        engine.backup(DS);
    }

    private Path cycleDir(long cycle) {
        return GnuTar.cycleDir(backupRoot, DS, cycle);
    }

    private static void flipByteInTheMiddle(Path archive) throws IOException {
        FileTime mtime = Files.getLastModifiedTime(archive);
        byte[] bytes = Files.readAllBytes(archive);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(archive, bytes);
        Files.setLastModifiedTime(archive, mtime);
    }

    private static Map<Integer, LevelCheck> byLevel(List<LevelCheck> checks, long cycle) {
        return checks.stream().filter(c -> c.cycle() == cycle)
                .collect(Collectors.toMap(LevelCheck::level, Function.identity()));
    }

    private Map<String, LevelVerified> recorded() {
        return engine.verifications(DS).stream()
                .collect(Collectors.toMap(v -> v.cycle() + "/" + v.level(), Function.identity()));
    }

    @Test
    void checksumsFindACorruptedByteInAListedGzipArchive() throws IOException {
        twoLevels(engine);
        flipByteInTheMiddle(cycleDir(0).resolve("x1.tar.gz"));
        Instant before = Instant.now();

        VerifySummary summary = engine.verify(DS, VerifyDepth.CHECKSUMS, ProgressListener.NONE);

        assertFalse(summary.passed());
        assertNull(summary.drill());
        Map<Integer, LevelCheck> checks = byLevel(summary.checks(), 0);
        assertEquals(LevelCheck.Status.OK, checks.get(0).status(), checks.get(0).detail());
        assertEquals(LevelCheck.Status.CORRUPT, checks.get(1).status(), checks.get(1).detail());
        Map<String, LevelVerified> recorded = recorded();
        assertEquals(LevelCheck.Status.OK, recorded.get("0/0").status());
        assertEquals(VerifyDepth.CHECKSUMS, recorded.get("0/0").depth());
        assertFalse(recorded.get("0/0").at().isBefore(before.minusSeconds(1)));
        assertEquals(LevelCheck.Status.CORRUPT, recorded.get("0/1").status());
        assertEquals(checks.get(1).detail(), recorded.get("0/1").detail());
    }

    @Test
    void checksumsFindACorruptedByteInAListedZstdArchive() throws IOException {
        engine = new Engine(EngineOptions.defaults(dataRoot, backupRoot).withCompression(Compression.ZSTD));
        twoLevels(engine);
        Path archive = cycleDir(0).resolve("x0.tar.zst");
        assertTrue(Files.exists(archive));
        flipByteInTheMiddle(archive);

        VerifySummary summary = engine.verify(DS, VerifyDepth.CHECKSUMS, ProgressListener.NONE);

        Map<Integer, LevelCheck> checks = byLevel(summary.checks(), 0);
        assertEquals(LevelCheck.Status.CORRUPT, checks.get(0).status(), checks.get(0).detail());
        assertEquals(LevelCheck.Status.OK, checks.get(1).status(), checks.get(1).detail());
        assertEquals(LevelCheck.Status.CORRUPT, recorded().get("0/0").status());
    }

    @Test
    void checksumsFindACorruptedByteInAnUnlistedLegacyGzipArchiveByItsCrc() throws IOException {
        Trees.write(dataset.resolve("a.txt"), "alpha\n");
        Trees.write(dataset.resolve("big.bin"), Trees.randomBytes(2, 300 * 1024));
        GnuTar.legacyLevel(backupRoot, dataRoot, DS, 5, 0);
        Trees.write(dataset.resolve("c.txt"), "gamma\n");
        GnuTar.legacyLevel(backupRoot, dataRoot, DS, 5, 1);
        assertFalse(Files.exists(cycleDir(5).resolve("SHA256SUMS")));

        Map<Integer, LevelCheck> healthy = byLevel(engine.verify(DS, VerifyDepth.CHECKSUMS, ProgressListener.NONE)
                .checks(), 5);
        assertEquals(LevelCheck.Status.UNLISTED, healthy.get(0).status(), healthy.get(0).detail());
        assertEquals(LevelCheck.Status.UNLISTED, healthy.get(1).status());

        flipByteInTheMiddle(cycleDir(5).resolve("x0.tar.gz"));
        VerifySummary summary = engine.verify(DS, VerifyDepth.CHECKSUMS, ProgressListener.NONE);

        assertFalse(summary.passed());
        Map<Integer, LevelCheck> checks = byLevel(summary.checks(), 5);
        assertEquals(LevelCheck.Status.CORRUPT, checks.get(0).status(), checks.get(0).detail());
        assertEquals(LevelCheck.Status.UNLISTED, checks.get(1).status());
        assertEquals(LevelCheck.Status.CORRUPT, recorded().get("5/0").status());
        assertEquals(LevelCheck.Status.UNLISTED, recorded().get("5/1").status());
    }

    @Test
    void drillOfAHealthyChainPassesRecordsEveryLevelAndLeavesNoScratchDirectory() throws IOException {
        twoLevels(engine);
        engine.backup(DS); // level 2, nothing changed: the drill takes the newest level

        VerifySummary summary = engine.verify(DS, VerifyDepth.DRILL, ProgressListener.NONE);

        assertTrue(summary.passed(), () -> "problems: " + summary.drill().problems());
        assertEquals(0, summary.drill().cycle());
        assertEquals(2, summary.drill().level());
        assertEquals(4, summary.drill().files(), "a.txt, big.bin, dir/b.txt, dir/only1.txt");
        assertTrue(summary.drill().bytes() >= 200 * 1024);
        assertEquals(List.of(0, 1, 2), summary.checks().stream().map(LevelCheck::level).toList());
        for (LevelVerified v : engine.verifications(DS)) {
            assertEquals(VerifyDepth.DRILL, v.depth(), v.toString());
            assertEquals(LevelCheck.Status.OK, v.status(), v.toString());
        }
        assertEquals(3, engine.verifications(DS).size());
        assertNoScratchLeft();
    }

    /**
     * No false alarm: a chain that GNU tar (the legacy command) and the engine wrote in turn, through every kind of
     * change (renamed files and directories, a file replaced by a directory and back, hard links, symlinks, modes,
     * long names, a name that is not UTF-8), drills clean.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void drillOfAChainOfEveryKindOfChangeWrittenByGnuTarAndTheEnginePasses(boolean engineFirst) throws IOException {
        ChangeScenario scenario = new ChangeScenario();
        scenario.createInitial(dataset);
        Trees.write(dataset.resolve("hard-1"), "one file, two names\n");
        Files.createLink(dataset.resolve("hard-2"), dataset.resolve("hard-1"));
        Files.write(RawNames.resolve(dataset, RawNames.name("caf", 0xE9)), "latin-1\n".getBytes(StandardCharsets.UTF_8));
        engine = new Engine(EngineOptions.defaults(dataRoot, backupRoot).withCycleLength(10)
                .withStartTimeMargin(Duration.ZERO));
        List<ChangeScenario.Step> steps = scenario.steps();
        for (int level = 0; level <= steps.size(); level++) {
            if (level > 0) {
                steps.get(level - 1).applyTo(dataset);
            }
            if ((level % 2 == 0) == engineFirst) {
                engine.backup(DS);
            } else {
                GnuTar.legacyLevel(backupRoot, dataRoot, DS, 0, level);
            }
            Trees.tick(tmp);
        }

        VerifySummary summary = engine.verify(DS, VerifyDepth.DRILL, ProgressListener.NONE);

        assertTrue(summary.passed(), () -> "problems: " + summary.drill().problems() + " checks: "
                + summary.checks());
        assertEquals(steps.size(), summary.drill().level());
        assertTrue(summary.drill().files() > 5, summary.drill()::toString);
        assertNoScratchLeft();
    }

    @Test
    void drillFindsAMemberDroppedFromAnArchiveWhoseChecksumWasUpdatedToMatch() throws IOException {
        twoLevels(engine);
        Path cycle = cycleDir(0);
        String member = GnuTar.members(cycle.resolve("x1.tar.gz")).stream()
                .filter(m -> m.endsWith("dir/only1.txt")).findFirst().orElseThrow();
        // the member goes, its directory's listing still names it; SHA256SUMS is rewritten to match
        GnuTar.run(cycle, List.of("sh", "-c", "gzip -dc x1.tar.gz > x1.tar && tar --delete -f x1.tar '" + member
                + "' && gzip -c x1.tar > x1.tar.gz && rm x1.tar && sha256sum x0.tar.gz x1.tar.gz > SHA256SUMS"),
                false);
        assertFalse(GnuTar.members(cycle.resolve("x1.tar.gz")).contains(member));

        VerifySummary checksums = engine.verify(DS, VerifyDepth.CHECKSUMS, ProgressListener.NONE);
        assertTrue(checksums.passed(), () -> "checksums: " + checksums.checks());

        VerifySummary drill = engine.verify(DS, VerifyDepth.DRILL, ProgressListener.NONE);

        assertFalse(drill.passed());
        assertTrue(drill.checks().stream().allMatch(c -> c.status() == LevelCheck.Status.OK), drill.checks()::toString);
        assertTrue(drill.drill().problems().stream().anyMatch(p -> p.startsWith("'dir/only1.txt'")),
                () -> "problems: " + drill.drill().problems());
        Map<String, LevelVerified> recorded = recorded();
        assertEquals(LevelCheck.Status.CORRUPT, recorded.get("0/1").status());
        assertEquals(VerifyDepth.DRILL, recorded.get("0/1").depth());
        assertTrue(recorded.get("0/1").detail().contains("dir/only1.txt"), recorded.get("0/1").detail());
        assertEquals(LevelCheck.Status.OK, recorded.get("0/0").status());
        assertEquals(VerifyDepth.CHECKSUMS, recorded.get("0/0").depth(), "level 0 passed its checksums only");
        assertNoScratchLeft();
    }

    @Test
    void aDroppedMemberWhoseNameIsNotUtf8IsNamedEscaped() throws IOException {
        twoLevels(engine);
        Files.write(RawNames.resolve(dataset.resolve("dir"), RawNames.name("caf", 0xE9)),
                "latin-1\n".getBytes(StandardCharsets.UTF_8));
        engine.backup(DS);
        Path cycle = cycleDir(0);
        String prefix = GnuTar.members(cycle.resolve("x2.tar.gz")).stream().filter(m -> m.endsWith("dir/"))
                .findFirst().orElseThrow();
        GnuTar.run(cycle, List.of("bash", "-c", "gzip -dc x2.tar.gz > x2.tar && tar --delete -f x2.tar $'" + prefix
                + "caf\\351' && gzip -c x2.tar > x2.tar.gz && rm x2.tar"
                + " && sha256sum x0.tar.gz x1.tar.gz x2.tar.gz > SHA256SUMS"), false);

        VerifySummary drill = engine.verify(DS, VerifyDepth.DRILL, ProgressListener.NONE);

        assertFalse(drill.passed());
        assertTrue(drill.drill().problems().stream().anyMatch(p -> p.startsWith("'dir/caf\\351'")),
                () -> "problems: " + drill.drill().problems());
    }

    @Test
    void drillOfAChainWithACorruptArchiveFailsAndRecordsItCorrupt() throws IOException {
        twoLevels(engine);
        flipByteInTheMiddle(cycleDir(0).resolve("x0.tar.gz"));

        VerifySummary drill = engine.verify(DS, VerifyDepth.DRILL, ProgressListener.NONE);

        assertFalse(drill.passed());
        assertFalse(drill.drill().passed(), "the restore of the chain fails");
        assertEquals(LevelCheck.Status.CORRUPT, recorded().get("0/0").status());
        assertEquals(LevelCheck.Status.CORRUPT, recorded().get("0/1").status());
        assertNoScratchLeft();
    }

    @Test
    void drillKilledAfterItsRestoreLeavesAScratchDirectoryThatRecoveryRemoves() throws Exception {
        Path dataRootCrash = Files.createDirectories(tmp.resolve("crash-data"));
        dataRoot = dataRootCrash;
        dataset = dataRoot.resolve(DS);
        engine = new Engine(EngineOptions.defaults(dataRoot, backupRoot).withCycleLength(100));
        twoLevels(engine);

        assertEquals(CrashingRunMain.HALTED, CrashTest.runChild(dataRoot, backupRoot, "drill", "DRILL_RESTORED"));

        Path drillDir = engine.options().stateDir().resolve("drill").resolve(DS);
        List<Path> left = list(drillDir);
        assertEquals(1, left.size(), left::toString);
        assertTrue(left.get(0).getFileName().toString().startsWith(".aiod-restore-"), left::toString);
        assertTrue(Files.exists(left.get(0).resolve("dir/only1.txt")), "the killed drill had restored the level");

        List<LeftoverRecovery> recovered = engine.recoverLeftovers();

        assertEquals(1, recovered.size(), recovered::toString);
        assertEquals(LeftoverRecovery.Outcome.RECOVERED, recovered.get(0).outcome());
        assertEquals(List.of(), list(drillDir));
        assertFalse(Files.exists(engine.options().stateDir().resolve("staging").resolve(DS)));
        assertTrue(engine.verify(DS, VerifyDepth.DRILL, ProgressListener.NONE).passed());
    }

    @Test
    void aRecordIsForgottenWhenItsArchiveChangesOrItsCycleGoes() throws IOException {
        twoLevels(engine);
        engine.backup(DS);
        Trees.write(dataset.resolve("new-cycle.txt"), "x");
        engine = new Engine(EngineOptions.defaults(dataRoot, backupRoot).withCycleLength(1));
        engine.backup(DS); // cycle 1, level 0
        assertEquals(List.of(), engine.verifications(DS));

        engine.verify(DS, VerifyDepth.CHECKSUMS, ProgressListener.NONE);
        assertEquals(List.of("0/0", "0/1", "0/2", "1/0"), engine.verifications(DS).stream()
                .map(v -> v.cycle() + "/" + v.level()).toList());

        Path level1 = cycleDir(0).resolve("x1.tar.gz");
        Files.setLastModifiedTime(level1, FileTime.from(Files.getLastModifiedTime(level1).toInstant()
                .plusSeconds(5)));
        Trees.deleteRecursively(cycleDir(1));

        assertEquals(List.of("0/0", "0/2"), engine.verifications(DS).stream()
                .map(v -> v.cycle() + "/" + v.level()).toList());
    }

    @Test
    void theVerifyOfOneCycleRecordsItsLevelsAtTheChecksumsDepth() throws IOException {
        twoLevels(engine);

        List<LevelCheck> checks = engine.verify(DS, 0L);

        assertEquals(2, checks.size());
        List<LevelVerified> recorded = engine.verifications(DS);
        assertEquals(2, recorded.size());
        recorded.forEach(v -> assertEquals(VerifyDepth.CHECKSUMS, v.depth()));
        String file = Files.readString(engine.options().stateDir().resolve("verified").resolve(DS),
                StandardCharsets.UTF_8);
        assertTrue(file.startsWith("aiod-backup verify records 1\n0 0 x0.tar.gz "), file);
    }

    private void assertNoScratchLeft() throws IOException {
        Path drillDir = engine.options().stateDir().resolve("drill").resolve(DS);
        assertEquals(List.of(), list(drillDir), "scratch left in " + drillDir);
        assertFalse(Files.exists(engine.options().stateDir().resolve("staging").resolve(DS)),
                "the drill's scratch is still written down");
    }

    private static List<Path> list(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.toList();
        }
    }
}
