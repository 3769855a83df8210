package org.aiod.backup.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.aiod.backup.engine.CycleInfo;
import org.aiod.backup.engine.LevelInfo;
import org.junit.jupiter.api.Test;

/** The dataset views show a gap in a cycle: which levels are missing, and which archives it cuts off. */
class DatasetViewTest {

    @Test
    void aCycleWithAGapShowsTheMissingLevelsAndTheLevelsAfterIt() {
        Path dir = Path.of("/backups/x/x_0");
        LevelInfo zero = new LevelInfo(0, dir.resolve("x0.tar.gz"), 100, Instant.EPOCH, "aa");
        LevelInfo three = new LevelInfo(3, dir.resolve("x3.tar.gz"), 10, Instant.EPOCH.plusSeconds(3), "bb");
        CycleInfo info = new CycleInfo(0, dir, List.of(zero), List.of(1, 2), List.of(three));

        DatasetView.Cycle cycle = DatasetView.of("x", List.of(info)).cycles().get(0);
        assertEquals(0, cycle.lastLevel());
        assertEquals(List.of(1, 2), cycle.missingLevels());
        assertEquals(List.of("x3.tar.gz"), cycle.levelsAfterGap().stream().map(DatasetView.Level::archive).toList());
        assertEquals(110, cycle.bytes());

        DatasetSummary.Cycle summary = DatasetSummary.of("x", List.of(info)).cycles().get(0);
        assertEquals(List.of(1, 2), summary.missingLevels());
        assertEquals(1, summary.levels());
    }
}
