package org.aiod.backup.api;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;

import org.aiod.backup.catalog.CycleEntry;
import org.aiod.backup.catalog.DatasetEntry;
import org.aiod.backup.catalog.LevelEntry;
import org.aiod.backup.offsite.OffsiteLevel;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One dataset in detail, {@code GET /api/datasets/{name}}: every cycle and every level. */
@Schema(name = "Dataset")
public record DatasetView(String name, List<Cycle> cycles) {

    /**
     * What is known of a level archive's integrity. Only {@code verified} says the archive was read and found good;
     * a checksum listed in {@code SHA256SUMS} says what the archive was when written, not that it still is.
     */
    public enum ChecksumState {
        /** Listed in {@code SHA256SUMS} when written, never verified since (or changed after it was). */
        LISTED("listed"),
        /** No line in {@code SHA256SUMS} (a level written by the legacy scripts), never verified since. */
        UNLISTED("unlisted"),
        /** The last verify read it whole and found it good: {@code verifiedAt}, {@code verifiedDepth}. */
        VERIFIED("verified"),
        /** The last verify found it corrupt, or its drill found a bad member: {@code corruption} says what. */
        CORRUPT("corrupt");

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
            return of(null, info, null);
        }

        static Cycle of(String dataset, CycleEntry info, OffsiteStates offsite) {
            java.util.function.Function<LevelEntry, Level> level = offsite == null ? Level::of
                    : l -> Level.of(l, Offsite.of(offsite.level(dataset, info.cycle(), l.level()).orElse(null)));
            return new Cycle(info.cycle(), info.lastLevel(), info.bytes(),
                    info.levels().stream().map(level).toList(), info.missingLevels(),
                    info.levelsAfterGap().stream().map(level).toList());
        }
    }

    /**
     * One level of a cycle.
     *
     * @param archive       the archive's file name in the cycle directory, such as {@code connectors10.tar.gz}
     * @param size          its size in bytes
     * @param modified      when it was written
     * @param sha256        its checksum as listed, or {@code null} when unlisted
     * @param checksum      {@code listed}, {@code unlisted}, {@code verified} or {@code corrupt}
     * @param verifiedAt    when the last verify of it finished; absent when it was never verified
     * @param verifiedDepth how deep that verify looked, {@code checksums} or {@code drill}; absent with
     *                      {@code verifiedAt}
     * @param corruption    what that verify found wrong; present only when {@code checksum} is {@code corrupt}
     * @param offsite       its copy in the off-site store; absent when off-site copies are off
     */
    @Schema(name = "Level")
    public record Level(int level, String archive, long size, Instant modified, String sha256,
            ChecksumState checksum, @JsonInclude(JsonInclude.Include.NON_NULL) Instant verifiedAt,
            @JsonInclude(JsonInclude.Include.NON_NULL) String verifiedDepth,
            @JsonInclude(JsonInclude.Include.NON_NULL) String corruption,
            @JsonInclude(JsonInclude.Include.NON_NULL) Offsite offsite) {

        static Level of(LevelEntry info) {
            return of(info, null);
        }

        static Level of(LevelEntry info, Offsite offsite) {
            ChecksumState state = switch (info.checksum()) {
                case LISTED -> ChecksumState.LISTED;
                case UNLISTED -> ChecksumState.UNLISTED;
                case VERIFIED -> ChecksumState.VERIFIED;
                case CORRUPT -> ChecksumState.CORRUPT;
            };
            LevelEntry.LastVerify last = info.verify().orElse(null);
            return new Level(info.level(), info.archive().getFileName().toString(), info.size(), info.modified(),
                    info.sha256(), state, last == null ? null : last.at(), last == null ? null : last.depth().label(),
                    last != null && last.corrupt() ? last.detail() : null, offsite);
        }
    }

    /**
     * A level's off-site copy (issue #14).
     *
     * @param status      {@code pending} (not tried yet; also a level the uploader has not seen yet), {@code failed}
     *                    (the last attempt failed, tried again at {@code nextAttempt}) or {@code uploaded}
     * @param attempts    failed attempts so far
     * @param nextAttempt when it is tried again; absent once uploaded
     * @param reason      why the last attempt failed; a note once uploaded (a file the cycle lacked); else absent
     * @param uploadedAt  when its upload finished; absent until then
     */
    @Schema(name = "LevelOffsite")
    public record Offsite(String status, int attempts, @JsonInclude(JsonInclude.Include.NON_NULL) Instant nextAttempt,
            @JsonInclude(JsonInclude.Include.NON_NULL) String reason,
            @JsonInclude(JsonInclude.Include.NON_NULL) Instant uploadedAt) {

        static Offsite of(OffsiteLevel state) {
            if (state == null) {
                return new Offsite("pending", 0, null, null, null);
            }
            return new Offsite(state.status().name().toLowerCase(java.util.Locale.ROOT), state.attempts(),
                    state.nextAttempt(), state.reason(), state.uploaded());
        }
    }

    /** Looks up a level's off-site state: dataset, cycle, level in; the state, or empty when not known yet, out. */
    @FunctionalInterface
    public interface OffsiteStates {
        java.util.Optional<OffsiteLevel> level(String dataset, long cycle, int level);
    }

    public static DatasetView of(DatasetEntry dataset) {
        return of(dataset, null);
    }

    /** The view with each level's off-site state from {@code offsite}; {@code null}: off-site copies are off. */
    public static DatasetView of(DatasetEntry dataset, OffsiteStates offsite) {
        return new DatasetView(dataset.name(), dataset.cycles().stream()
                .map(c -> Cycle.of(dataset.name(), c, offsite)).toList());
    }
}
