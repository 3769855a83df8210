package org.aiod.backup.api;

import java.time.Instant;
import java.util.List;

import org.aiod.backup.catalog.CycleEntry;
import org.aiod.backup.catalog.DatasetEntry;
import org.aiod.backup.catalog.LevelEntry;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A managed dataset in the list of {@code GET /api/datasets}: its cycles, one line each. */
@Schema(name = "DatasetSummary")
public record DatasetSummary(String name, List<Cycle> cycles) {

    /**
     * One cycle in short.
     *
     * @param lastLevel  the highest restorable level, -1 when level 0 is not complete
     * @param levels     how many levels the cycle holds
     * @param bytes      the archives' total size
     * @param firstAt    when level 0 was written
     * @param lastAt     when the last level was written
     * @param missingLevels levels whose archive is missing below an existing one (a gap); empty when none
     */
    @Schema(name = "CycleSummary")
    public record Cycle(long cycle, int lastLevel, int levels, long bytes, Instant firstAt, Instant lastAt,
            List<Integer> missingLevels) {

        static Cycle of(CycleEntry info) {
            List<LevelEntry> levels = info.levels();
            return new Cycle(info.cycle(), info.lastLevel(), levels.size(), info.restorableBytes(),
                    levels.isEmpty() ? null : levels.get(0).modified(),
                    levels.isEmpty() ? null : levels.get(levels.size() - 1).modified(), info.missingLevels());
        }
    }

    public static DatasetSummary of(DatasetEntry dataset) {
        return new DatasetSummary(dataset.name(), dataset.cycles().stream().map(Cycle::of).toList());
    }
}
