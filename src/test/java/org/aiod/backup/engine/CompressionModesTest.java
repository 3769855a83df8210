package org.aiod.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.aiod.backup.engine.testing.ChangeScenario;
import org.aiod.backup.engine.testing.GnuTar;
import org.aiod.backup.engine.testing.TreeSnapshot;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every compression mode keeps GNU tar compatibility: the scenario with every kind of change, backed up by the
 * engine in each mode, restores with GNU tar alone and with the engine at every level.
 */
class CompressionModesTest {

    private static final String DS = "x";

    @TempDir
    Path tmp;

    static Stream<Arguments> modes() {
        return Stream.of(
                Arguments.of("gzip, one thread", (UnaryOperator<EngineOptions>) o -> o.withCompressionThreads(1)),
                Arguments.of("gzip, parallel", (UnaryOperator<EngineOptions>) o -> o.withCompressionThreads(4)),
                Arguments.of("gzip level 1", (UnaryOperator<EngineOptions>) o -> o.withGzipLevel(1)),
                Arguments.of("zstd", (UnaryOperator<EngineOptions>) o -> o.withCompression(Compression.ZSTD)),
                Arguments.of("zstd level 19, one thread", (UnaryOperator<EngineOptions>) o -> o
                        .withCompression(Compression.ZSTD).withCompressionLevel(19).withCompressionThreads(1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void everyLevelRestoresWithGnuTarAndWithTheEngine(String mode, UnaryOperator<EngineOptions> configure)
            throws Exception {
        Path dataRoot = tmp.resolve("data");
        Path backupRoot = tmp.resolve("backups");
        ChangeScenario scenario = new ChangeScenario();
        scenario.createInitial(dataRoot.resolve(DS));
        Engine engine = new Engine(configure.apply(EngineOptions.defaults(dataRoot, backupRoot).withCycleLength(10)));
        List<TreeSnapshot> expected = new ArrayList<>();
        engine.backup(DS);
        Trees.tick(tmp);
        expected.add(TreeSnapshot.of(dataRoot.resolve(DS)));
        for (ChangeScenario.Step step : scenario.steps()) {
            step.applyTo(dataRoot.resolve(DS));
            engine.backup(DS);
            Trees.tick(tmp);
            expected.add(TreeSnapshot.of(dataRoot.resolve(DS)));
        }
        List<Path> archives = engine.cycles(DS).get(0).levels().stream().map(LevelInfo::archive).toList();
        assertEquals(expected.size(), archives.size(), mode);
        String suffix = engine.options().compression().suffix();
        assertTrue(archives.stream().allMatch(a -> a.getFileName().toString().endsWith(suffix)), archives.toString());
        GnuTar.run(archives.get(0).getParent(), List.of("sha256sum", "--check", "--strict", "SHA256SUMS"), false);

        Path restoreRoot = Files.createDirectories(tmp.resolve("restore"));
        Engine restorer = new Engine(EngineOptions.defaults(restoreRoot, backupRoot));
        for (int level = 0; level < expected.size(); level++) {
            Path dest = tmp.resolve("gnu-" + level);
            GnuTar.legacyRestoreChain(dest, archives.subList(0, level + 1));
            TreeSnapshot.of(dest.resolve(DS)).assertSameAs(expected.get(level), mode + ", GNU tar, level " + level);
            restorer.restore(DS, 0, level);
            TreeSnapshot.of(restoreRoot.resolve(DS)).assertSameAs(expected.get(level), mode + ", engine, level "
                    + level);
        }
    }

    /** A cycle whose compression changed half-way, and GNU tar continuing a zstd chain with {@code --zstd}. */
    @Test
    void aCycleMayMixCompressionsAndGnuTarContinuesAZstdChain() throws Exception {
        Path dataRoot = tmp.resolve("data");
        Path backupRoot = tmp.resolve("backups");
        ChangeScenario scenario = new ChangeScenario();
        scenario.createInitial(dataRoot.resolve(DS));
        List<ChangeScenario.Step> steps = scenario.steps();
        EngineOptions gzip = EngineOptions.defaults(dataRoot, backupRoot).withCycleLength(10);
        List<TreeSnapshot> expected = new ArrayList<>();

        new Engine(gzip.withCompression(Compression.ZSTD)).backup(DS);
        expected.add(snapshotAfterTick(dataRoot));
        steps.get(0).applyTo(dataRoot.resolve(DS));
        Path cycle = backupRoot.resolve(DS).resolve(DS + "_0");
        GnuTar.run(dataRoot, List.of("tar", "--zstd", "-cf", cycle.resolve(DS + "1.tar.zst").toString(),
                "--listed-incremental=" + cycle.resolve(DS + ".snar"), "./" + DS), false);
        expected.add(snapshotAfterTick(dataRoot));
        steps.get(1).applyTo(dataRoot.resolve(DS));
        new Engine(gzip).backup(DS);
        expected.add(snapshotAfterTick(dataRoot));

        Engine restorer = new Engine(EngineOptions.defaults(Files.createDirectories(tmp.resolve("restore")),
                backupRoot));
        List<Path> archives = restorer.cycles(DS).get(0).levels().stream().map(LevelInfo::archive).toList();
        assertEquals(List.of(DS + "0.tar.zst", DS + "1.tar.zst", DS + "2.tar.gz"),
                archives.stream().map(p -> p.getFileName().toString()).toList());
        for (int level = 0; level < expected.size(); level++) {
            restorer.restore(DS, 0, level);
            TreeSnapshot.of(tmp.resolve("restore").resolve(DS)).assertSameAs(expected.get(level),
                    "engine, mixed chain, level " + level);
            Path dest = tmp.resolve("gnu-" + level);
            GnuTar.legacyRestoreChain(dest, archives.subList(0, level + 1));
            TreeSnapshot.of(dest.resolve(DS)).assertSameAs(expected.get(level), "GNU tar, mixed chain, level " + level);
        }
    }

    private TreeSnapshot snapshotAfterTick(Path dataRoot) throws Exception {
        Trees.tick(tmp);
        return TreeSnapshot.of(dataRoot.resolve(DS));
    }
}
