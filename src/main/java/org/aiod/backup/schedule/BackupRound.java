package org.aiod.backup.schedule;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;

import org.aiod.backup.job.QueueFullException;
import org.jboss.logging.Logger;

/**
 * What one trigger does, without the framework: for each managed dataset, in order, coalesce it when its previous
 * scheduled backup is still unfinished, otherwise submit a backup; a full queue or a failure skips that dataset only.
 * The unfinished check is made for each dataset just before its submission; the caller runs one round at a time, and
 * rounds are the only source of scheduled jobs, so no scheduled job can appear between the check and the submission.
 */
public final class BackupRound {

    private static final Logger LOG = Logger.getLogger(BackupRound.class);

    /** What became of one dataset in a round. */
    public enum Outcome {
        /** A backup job was queued. */
        SUBMITTED,
        /** Its previous scheduled backup is still queued or running: nothing was added. */
        COALESCED,
        /** The job queue was full: skipped until the next trigger. */
        QUEUE_FULL,
        /** The job service rejected the command (the dataset directory vanished, for instance). */
        REJECTED,
        /** Submitting failed unexpectedly. */
        FAILED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One dataset's outcome, with the job id or the reason where there is one. */
    public record Entry(String dataset, Outcome outcome, String detail) {
    }

    /** A round's outcomes, in dataset order. */
    public record Report(List<Entry> entries) {

        public List<String> datasets(Outcome outcome) {
            return entries.stream().filter(e -> e.outcome() == outcome).map(Entry::dataset).toList();
        }

        public long count(Outcome outcome) {
            return entries.stream().filter(e -> e.outcome() == outcome).count();
        }
    }

    /** The result of submitting one dataset's backup: its outcome (SUBMITTED or REJECTED) and a job id or reason. */
    record Submitted(Outcome outcome, String detail) {
    }

    private BackupRound() {
    }

    /**
     * Runs one round.
     *
     * @param datasets   the managed datasets; duplicates are ignored
     * @param unfinished whether a dataset's previous scheduled backup is still queued or running
     * @param submit     submits one dataset's backup; may throw {@link QueueFullException}
     */
    static Report run(List<String> datasets, Predicate<String> unfinished, Function<String, Submitted> submit) {
        return run("backup", datasets, unfinished, submit);
    }

    /** {@link #run(List, Predicate, Function)} for scheduled commands named {@code what} in the log ({@code verify}). */
    static Report run(String what, List<String> datasets, Predicate<String> unfinished,
            Function<String, Submitted> submit) {
        List<Entry> entries = new ArrayList<>();
        for (String dataset : new LinkedHashSet<>(datasets)) {
            entries.add(one(what, dataset, unfinished, submit));
        }
        return new Report(List.copyOf(entries));
    }

    private static Entry one(String what, String dataset, Predicate<String> unfinished,
            Function<String, Submitted> submit) {
        try {
            if (unfinished.test(dataset)) {
                LOG.infof("scheduled %s of %s coalesced: its previous scheduled %s is still queued or running",
                        what, dataset, what);
                return new Entry(dataset, Outcome.COALESCED, null);
            }
            Submitted submitted = submit.apply(dataset);
            if (submitted.outcome() == Outcome.REJECTED) {
                LOG.warnf("scheduled %s of %s rejected: %s", what, dataset, submitted.detail());
            } else {
                LOG.debugf("scheduled %s of %s queued as job %s", what, dataset, submitted.detail());
            }
            return new Entry(dataset, submitted.outcome(), submitted.detail());
        } catch (QueueFullException e) {
            LOG.warnf("scheduled %s of %s skipped until the next trigger: %s", what, dataset, e.getMessage());
            return new Entry(dataset, Outcome.QUEUE_FULL, e.getMessage());
        } catch (RuntimeException e) {
            LOG.errorf(e, "scheduled %s of %s could not be submitted", what, dataset);
            return new Entry(dataset, Outcome.FAILED, String.valueOf(e));
        }
    }
}
