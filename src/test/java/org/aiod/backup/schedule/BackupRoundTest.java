package org.aiod.backup.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.aiod.backup.job.QueueFullException;
import org.aiod.backup.schedule.BackupRound.Outcome;
import org.aiod.backup.schedule.BackupRound.Submitted;
import org.junit.jupiter.api.Test;

/** The decision of a trigger, without Quarkus: which datasets get a backup, which are coalesced or skipped. */
class BackupRoundTest {

    private final List<String> submitted = new ArrayList<>();

    private Submitted accept(String dataset) {
        submitted.add(dataset);
        return new Submitted(Outcome.SUBMITTED, "job-" + dataset);
    }

    @Test
    void everyIdleDatasetGetsOneBackup() {
        BackupRound.Report report = BackupRound.run(List.of("a", "b", "c"), d -> false, this::accept);

        assertEquals(List.of("a", "b", "c"), submitted);
        assertEquals(List.of("a", "b", "c"), report.datasets(Outcome.SUBMITTED));
        assertEquals("job-b", report.entries().get(1).detail());
    }

    @Test
    void aDatasetWhoseScheduledBackupIsUnfinishedIsCoalesced() {
        Set<String> unfinished = Set.of("b");

        BackupRound.Report report = BackupRound.run(List.of("a", "b", "c"), unfinished::contains, this::accept);

        assertEquals(List.of("a", "c"), submitted);
        assertEquals(List.of("b"), report.datasets(Outcome.COALESCED));
        assertEquals(2, report.count(Outcome.SUBMITTED));
    }

    @Test
    void everyDatasetBusyMeansNothingIsSubmitted() {
        BackupRound.Report report = BackupRound.run(List.of("a", "b"), d -> true, this::accept);

        assertEquals(List.of(), submitted);
        assertEquals(List.of("a", "b"), report.datasets(Outcome.COALESCED));
    }

    @Test
    void aFullQueueSkipsThatDatasetOnly() {
        BackupRound.Report report = BackupRound.run(List.of("a", "b", "c"), d -> false, d -> {
            if (d.equals("b")) {
                throw new QueueFullException(100);
            }
            return accept(d);
        });

        assertEquals(List.of("a", "c"), submitted);
        assertEquals(List.of("b"), report.datasets(Outcome.QUEUE_FULL));
        assertEquals(List.of("a", "c"), report.datasets(Outcome.SUBMITTED));
    }

    @Test
    void aRejectionOrAFailureDoesNotStopTheRound() {
        BackupRound.Report report = BackupRound.run(List.of("gone", "broken", "ok"), d -> false, d -> switch (d) {
            case "gone" -> new Submitted(Outcome.REJECTED, "DATASET_NOT_FOUND: no directory");
            case "broken" -> throw new IllegalStateException("journal not writable");
            default -> accept(d);
        });

        assertEquals(List.of("gone"), report.datasets(Outcome.REJECTED));
        assertEquals(List.of("broken"), report.datasets(Outcome.FAILED));
        assertEquals(List.of("ok"), report.datasets(Outcome.SUBMITTED));
    }

    @Test
    void aFailingUnfinishedCheckCountsAsAFailureOfThatDataset() {
        BackupRound.Report report = BackupRound.run(List.of("a", "b"), d -> {
            if (d.equals("a")) {
                throw new IllegalStateException("boom");
            }
            return false;
        }, this::accept);

        assertEquals(List.of("a"), report.datasets(Outcome.FAILED));
        assertEquals(List.of("b"), submitted);
    }

    @Test
    void aDatasetListedTwiceIsSubmittedOnce() {
        BackupRound.Report report = BackupRound.run(List.of("a", "a"), d -> false, this::accept);

        assertEquals(List.of("a"), submitted);
        assertEquals(1, report.entries().size());
    }
}
