package org.aiod.backup.job;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** The one table of allowed state changes. {@code null} stands for "not yet a job". */
public final class JobTransitions {

    private static final Map<JobState, Set<JobState>> ALLOWED = Map.of(
            JobState.QUEUED, EnumSet.of(JobState.RUNNING, JobState.FAILED),
            JobState.RUNNING, EnumSet.of(JobState.SUCCEEDED, JobState.PARTIAL, JobState.FAILED),
            JobState.SUCCEEDED, EnumSet.noneOf(JobState.class),
            JobState.PARTIAL, EnumSet.noneOf(JobState.class),
            JobState.FAILED, EnumSet.noneOf(JobState.class),
            JobState.REJECTED, EnumSet.noneOf(JobState.class));
    private static final Set<JobState> INITIAL = EnumSet.of(JobState.QUEUED, JobState.REJECTED);

    private JobTransitions() {
    }

    public static boolean isAllowed(JobState from, JobState to) {
        return from == null ? INITIAL.contains(to) : ALLOWED.get(from).contains(to);
    }

    static void check(JobState from, JobState to) {
        if (!isAllowed(from, to)) {
            throw new IllegalStateException("a job cannot go from " + from + " to " + to);
        }
    }
}
