package org.aiod.backup.api;

import java.time.Instant;
import java.util.List;

import org.aiod.backup.catalog.CycleEntry;
import org.aiod.backup.catalog.DatasetEntry;
import org.aiod.backup.catalog.LevelEntry;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A managed dataset in the list of {@code GET /api/datasets}: the facts an operator checks first, and its cycles,
 * one line each.
 *
 * @param dataDirectory whether {@code <data-root>/<name>} exists (backups without it: the case a restore recreates)
 * @param bytes         the size on disk of all its archives, every cycle, levels after a gap included
 * @param levels        its archives, and how many of them are verified, corrupt or never verified
 * @param lastSuccess   when its last backup that succeeded (or ended partial) finished, from the service's journal
 * @param lastFailure   when its last backup that failed finished, from the service's journal
 * @param nextBackup    when the schedule runs its next backup; {@code null} when the schedule is off
 * @param nextVerify    when the schedule runs its next verify; {@code null} when it is off
 */
@Schema(name = "DatasetSummary")
public record DatasetSummary(String name, boolean dataDirectory, long bytes, Levels levels, Instant lastSuccess,
        Instant lastFailure, Instant nextBackup, Instant nextVerify, List<Cycle> cycles) {

    /**
     * A dataset's archives by what the last verify of each found.
     *
     * @param total      every archive
     * @param verified   read whole by their last verify
     * @param corrupt    found corrupt by their last verify
     * @param unverified never read by a verify (listed or unlisted)
     * @param lastVerified when a verify last read one of them; {@code null} when none ever was
     */
    @Schema(name = "DatasetLevels")
    public record Levels(int total, int verified, int corrupt, int unverified, Instant lastVerified) {

        static Levels of(DatasetEntry dataset) {
            int total = 0;
            int verified = 0;
            int corrupt = 0;
            Instant last = null;
            for (CycleEntry cycle : dataset.cycles()) {
                for (List<LevelEntry> levels : List.of(cycle.levels(), cycle.levelsAfterGap())) {
                    for (LevelEntry level : levels) {
                        total++;
                        switch (level.checksum()) {
                            case VERIFIED -> verified++;
                            case CORRUPT -> corrupt++;
                            case LISTED, UNLISTED -> {
                            }
                        }
                        Instant at = level.lastVerified().orElse(null);
                        if (at != null && (last == null || at.isAfter(last))) {
                            last = at;
                        }
                    }
                }
            }
            return new Levels(total, verified, corrupt, total - verified - corrupt, last);
        }
    }

    /** What the service knows of a dataset beside its files: its journal and its schedules. */
    public record ServiceFacts(Instant lastSuccess, Instant lastFailure, Instant nextBackup, Instant nextVerify) {

        /** Outside the service (the command line): no journal, no schedule. */
        public static final ServiceFacts NONE = new ServiceFacts(null, null, null, null);
    }

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
        return of(dataset, ServiceFacts.NONE);
    }

    public static DatasetSummary of(DatasetEntry dataset, ServiceFacts service) {
        return new DatasetSummary(dataset.name(), dataset.dataDirectory(),
                dataset.cycles().stream().mapToLong(CycleEntry::bytes).sum(), Levels.of(dataset),
                service.lastSuccess(), service.lastFailure(), service.nextBackup(), service.nextVerify(),
                dataset.cycles().stream().map(Cycle::of).toList());
    }
}
