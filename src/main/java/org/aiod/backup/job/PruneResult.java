package org.aiod.backup.job;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.aiod.backup.engine.PruneSummary;

/**
 * A prune job's command and outcome, as the job carries it (journal, HTTP, event): {@code dryRun} as asked from the
 * start, then, once it ran, the cycles removed (or, for a dry run, that would be), the bytes that freed and the
 * cycles kept with the rules that keep them. Fields not known yet are left out.
 *
 * @param dryRun     whether nothing is removed, only decided
 * @param removed    the cycles removed, ascending: {@code cycle}, its {@code levels}, its {@code bytes}
 * @param bytesFreed the bytes of the removed cycles
 * @param kept       the cycles kept, ascending: {@code cycle} and {@code reasons} ({@code keep-last},
 *                   {@code newest-full}, ..., or {@code keep-everything} when no retention is set)
 * @param offsiteRemoved with off-site copies on and {@code backup.offsite.retention.*} set: the cycles only in the
 *                   store that its rule no longer keeps, their deletion from the store written down
 *                   ({@code offsite: "pending"}); {@code bytes} the size of their archives there. Left out otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PruneResult(Boolean dryRun, List<Removed> removed, Long bytesFreed, List<Kept> kept,
        List<Removed> offsiteRemoved) {

    public PruneResult(Boolean dryRun, List<Removed> removed, Long bytesFreed, List<Kept> kept) {
        this(dryRun, removed, bytesFreed, kept, null);
    }

    /**
     * A cycle that went (or would go), and with off-site copies on what becomes of its objects in the store:
     * {@code pending} (their deletion is written down; the uploader does it, retried until the store takes it) or
     * {@code kept} (the off-site keep rule keeps them); left out with off-site copies off. The command line's prune,
     * which does the deletions before it ends, says {@code deleted} for each the store took.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Removed(long cycle, int levels, long bytes, String offsite) {
        public Removed(long cycle, int levels, long bytes) {
            this(cycle, levels, bytes, null);
        }
    }

    /** A cycle the command line's prune deleted from the store before it ended ({@link Removed#offsite()}). */
    public static final String OFFSITE_DELETED = "deleted";

    /**
     * This result once the command line's prune did its off-site deletions: each cycle whose objects were to go
     * ({@code pending}) and that is not in {@code stillPending} is {@value #OFFSITE_DELETED}.
     */
    PruneResult offsiteDone(java.util.Set<Long> stillPending) {
        java.util.function.UnaryOperator<List<Removed>> done = list -> list == null ? null : list.stream()
                .map(r -> PruneSummary.OFFSITE_PENDING.equals(r.offsite()) && !stillPending.contains(r.cycle())
                        ? new Removed(r.cycle(), r.levels(), r.bytes(), OFFSITE_DELETED) : r)
                .toList();
        return new PruneResult(dryRun, done.apply(removed), bytesFreed, kept, done.apply(offsiteRemoved));
    }

    /** A cycle that stays, and why. */
    public record Kept(long cycle, List<String> reasons) {
    }

    /** What a prune command asks, before it ran. */
    static PruneResult asked(boolean dryRun) {
        return new PruneResult(dryRun, null, null, null);
    }

    static PruneResult of(PruneSummary summary) {
        return new PruneResult(summary.dryRun(),
                summary.removed().stream().map(r -> new Removed(r.cycle(), r.levels(), r.bytes(), r.offsite()))
                        .toList(),
                summary.bytesFreed(),
                summary.kept().stream().map(k -> new Kept(k.cycle(), List.copyOf(k.reasons()))).toList(),
                summary.offsiteRemoved().isEmpty() ? null : summary.offsiteRemoved().stream()
                        .map(r -> new Removed(r.cycle(), r.levels(), r.bytes(), r.offsite())).toList());
    }

    /** Whether it was (or is) a dry run; {@code null} counts as no. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean dryRunAsked() {
        return Boolean.TRUE.equals(dryRun);
    }
}
