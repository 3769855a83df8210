package org.aiod.backup.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.aiod.backup.catalog.CycleEntry;
import org.aiod.backup.catalog.DatasetEntry;
import org.aiod.backup.catalog.LevelEntry;
import org.junit.jupiter.api.Test;

/** The dataset views show a gap in a cycle: which levels are missing, and which archives it cuts off. */
class DatasetViewTest {

    @Test
    void aCycleWithAGapShowsTheMissingLevelsAndTheLevelsAfterIt() {
        Path dir = Path.of("/backups/x/x_0");
        LevelEntry zero = new LevelEntry(0, dir.resolve("x0.tar.gz"), 100, Instant.EPOCH, "aa", Optional.empty());
        LevelEntry three = new LevelEntry(3, dir.resolve("x3.tar.gz"), 10, Instant.EPOCH.plusSeconds(3), "bb",
                Optional.empty());
        CycleEntry info = new CycleEntry(0, dir, List.of(zero), List.of(1, 2), List.of(three), 0, 3);
        DatasetEntry dataset = new DatasetEntry("x", true, List.of(info));

        DatasetView.Cycle cycle = DatasetView.of(dataset).cycles().get(0);
        assertEquals(0, cycle.lastLevel());
        assertEquals(List.of(1, 2), cycle.missingLevels());
        assertEquals(List.of("x3.tar.gz"), cycle.levelsAfterGap().stream().map(DatasetView.Level::archive).toList());
        assertEquals(110, cycle.bytes());

        DatasetSummary.Cycle summary = DatasetSummary.of(dataset).cycles().get(0);
        assertEquals(List.of(1, 2), summary.missingLevels());
        assertEquals(1, summary.levels());
    }
}
