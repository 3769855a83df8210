package org.aiod.backup.api;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonValue;

import org.aiod.backup.catalog.CycleEntry;
import org.aiod.backup.catalog.DatasetEntry;
import org.aiod.backup.catalog.LevelEntry;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One dataset in detail, {@code GET /api/datasets/{name}}: every cycle and every level. */
@Schema(name = "Dataset")
public record DatasetView(String name, List<Cycle> cycles) {

    /** Whether a level's archive has a line in its cycle's {@code SHA256SUMS}. */
    public enum ChecksumState {
        /** Checksummed when written and listed: {@code sha256sum -c SHA256SUMS} in the cycle verifies it. */
        VERIFIED_LISTED("verified-listed"),
        /** No line in {@code SHA256SUMS}: a level written by the legacy scripts. */
        UNLISTED("unlisted");

        private final String label;

        ChecksumState(String label) {
            this.label = label;
        }

        @JsonValue
        public String label() {
            return label;
        }
    }

    /**
     * One cycle.
     *
     * @param lastLevel      the highest restorable level, -1 when level 0 is not complete
     * @param bytes          the archives' total size, those after a gap included
     * @param levels         the restorable levels
     * @param missingLevels  levels whose archive is missing below an existing one: a gap; empty when none
     * @param levelsAfterGap the archives above the gap, which cannot be restored; empty when none
     */
    @Schema(name = "Cycle")
    public record Cycle(long cycle, int lastLevel, long bytes, List<Level> levels, List<Integer> missingLevels,
            List<Level> levelsAfterGap) {

        static Cycle of(CycleEntry info) {
            return new Cycle(info.cycle(), info.lastLevel(), info.bytes(),
                    info.levels().stream().map(Level::of).toList(), info.missingLevels(),
                    info.levelsAfterGap().stream().map(Level::of).toList());
        }
    }

    /**
     * One level of a cycle.
     *
     * @param archive  the archive's file name in the cycle directory, such as {@code connectors10.tar.gz}
     * @param size     its size in bytes
     * @param modified when it was written
     * @param sha256   its checksum as listed, or {@code null} when unlisted
     * @param checksum whether it is listed
     */
    @Schema(name = "Level")
    public record Level(int level, String archive, long size, Instant modified, String sha256,
            ChecksumState checksum) {

        static Level of(LevelEntry info) {
            return new Level(info.level(), info.archive().getFileName().toString(), info.size(), info.modified(),
                    info.sha256(), switch (info.checksum()) {
                        case LISTED -> ChecksumState.VERIFIED_LISTED;
                        case UNLISTED -> ChecksumState.UNLISTED;
                    });
        }
    }

    static DatasetView of(DatasetEntry dataset) {
        return new DatasetView(dataset.name(), dataset.cycles().stream().map(Cycle::of).toList());
    }
}
