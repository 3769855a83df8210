package org.aiod.backup.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The transition table is the whole life of a job: every pair of states is either allowed or refused. */
class JobTransitionsTest {

    private static final List<String> ALLOWED = List.of("null->QUEUED", "null->REJECTED", "QUEUED->RUNNING",
            "QUEUED->FAILED", "RUNNING->SUCCEEDED", "RUNNING->PARTIAL", "RUNNING->FAILED");

    @Test
    void exactlyTheseTransitionsAreAllowed() {
        List<String> allowed = new ArrayList<>();
        List<JobState> from = new ArrayList<>(Arrays.asList(JobState.values()));
        from.add(0, null);
        for (JobState a : from) {
            for (JobState b : JobState.values()) {
                if (JobTransitions.isAllowed(a, b)) {
                    allowed.add(a + "->" + b);
                }
            }
        }
        assertEquals(ALLOWED, allowed);
    }

    @Test
    void finalStatesAreExactlyThoseWithoutWayOut() {
        for (JobState state : JobState.values()) {
            boolean hasWayOut = Arrays.stream(JobState.values()).anyMatch(to -> JobTransitions.isAllowed(state, to));
            assertEquals(!hasWayOut, state.isFinal(), state.name());
        }
    }

    @Test
    void aJobRefusesAChangeTheTableDoesNotAllow() {
        Job queued = Job.queued(JobCommand.backup("x", "r1", JobSource.HTTP), Instant.now());
        assertThrows(IllegalStateException.class, () -> queued.succeeded(Instant.now(), 0, 0, 1, 1, "a", List.of()));
        Job done = queued.started(Instant.now()).succeeded(Instant.now(), 0, 0, 1, 1, "a", List.of());
        assertEquals(JobState.SUCCEEDED, done.status());
        assertThrows(IllegalStateException.class, () -> done.failed(Instant.now(), new JobError(ErrorCode.INTERNAL_ERROR, "y")));
        assertThrows(IllegalStateException.class, () -> done.started(Instant.now()));
    }
}
