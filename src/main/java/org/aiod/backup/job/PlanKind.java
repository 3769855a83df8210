package org.aiod.backup.job;

import java.util.Locale;
import java.util.Optional;

import org.aiod.backup.engine.RestorePlan;

/** A kind of change of a dry run's plan, as {@code GET /api/jobs/{id}/plan?kind=} names it. */
public enum PlanKind {
    CREATE, REPLACE, DELETE;

    /** The name on the wire: {@code create}, {@code replace}, {@code delete}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind named {@code wire}, exactly as {@link #wire()} spells it. */
    public static Optional<PlanKind> of(String wire) {
        for (PlanKind kind : values()) {
            if (kind.wire().equals(wire)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    RestorePlan.Change of(RestorePlan plan) {
        return switch (this) {
            case CREATE -> plan.create();
            case REPLACE -> plan.replace();
            case DELETE -> plan.delete();
        };
    }

    /** This kind's change in a job's plan. */
    public JobPlan.Change of(JobPlan plan) {
        return switch (this) {
            case CREATE -> plan.create();
            case REPLACE -> plan.replace();
            case DELETE -> plan.delete();
        };
    }
}
