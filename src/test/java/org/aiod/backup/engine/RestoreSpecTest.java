package org.aiod.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.aiod.backup.engine.testing.TreeSnapshot;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The restore takes one {@link RestoreSpec}: its dataset, cycle and level are what is restored. */
class RestoreSpecTest {

    private static final String DS = "x";

    @TempDir
    Path tmp;

    @Test
    void restoresTheSpecsCycleUpToItsLevelOrItsLast() throws IOException {
        Path data = tmp.resolve("data");
        Path backups = tmp.resolve("backups");
        Engine engine = new Engine(EngineOptions.defaults(data, backups));
        Trees.write(data.resolve(DS).resolve("a.txt"), "level 0\n");
        engine.backup(DS);
        TreeSnapshot level0 = TreeSnapshot.of(data.resolve(DS));
        Trees.write(data.resolve(DS).resolve("b/c.txt"), "level 1\n");
        Files.delete(data.resolve(DS).resolve("a.txt"));
        engine.backup(DS);
        TreeSnapshot level1 = TreeSnapshot.of(data.resolve(DS));

        Path restoreRoot = tmp.resolve("restored");
        Files.createDirectories(restoreRoot);
        Engine restorer = new Engine(EngineOptions.defaults(restoreRoot, backups));
        List<Phase> phases = new ArrayList<>();
        ProgressListener listener = new ProgressListener() {
            @Override
            public void phase(Phase phase) {
                phases.add(phase);
            }
        };

        RestoreSummary first = restorer.restore(new RestoreSpec(DS, 0, 0), listener);
        TreeSnapshot.of(restoreRoot.resolve(DS)).assertSameAs(level0, "level 0 through the spec");
        assertEquals(0, first.level());
        assertEquals(List.of(Phase.LOCKED, Phase.STAGED), phases.subList(0, 2));

        RestoreSummary last = restorer.restore(new RestoreSpec(DS, 0, null));
        TreeSnapshot.of(restoreRoot.resolve(DS)).assertSameAs(level1, "the cycle's last through the spec");
        assertEquals(1, last.level());
        assertEquals(0, last.cycle());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".hidden", "../x", "a/b"})
    void aSpecNamesAValidDatasetOrIsNotMade(String name) {
        BackupException.InvalidDataset refused = assertThrows(BackupException.InvalidDataset.class,
                () -> new RestoreSpec(name, 0, null));
        assertEquals("invalid dataset name '" + name + "': expected 1-128 characters of [A-Za-z0-9._-], starting"
                + " with a letter or digit", refused.getMessage());
        assertThrows(BackupException.InvalidDataset.class, () -> new RestoreSpec(null, 0, null));
    }

    @Test
    void aRefusedSpecChangesNothing() throws IOException {
        Path data = tmp.resolve("data");
        Path backups = tmp.resolve("backups");
        Trees.write(data.resolve(DS).resolve("a.txt"), "kept\n");
        Engine engine = new Engine(EngineOptions.defaults(data, backups));
        engine.backup(DS);
        Trees.write(data.resolve(DS).resolve("a.txt"), "changed since\n");
        TreeSnapshot before = TreeSnapshot.of(data.resolve(DS));

        assertThrows(BackupException.LevelNotFound.class, () -> engine.restore(new RestoreSpec(DS, 0, 3)));
        assertThrows(BackupException.CycleNotFound.class, () -> engine.restore(new RestoreSpec(DS, 9, null)));

        TreeSnapshot.of(data.resolve(DS)).assertSameAs(before, "dataset untouched by refused specs");
    }
}
