package org.aiod.backup.messaging;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.aiod.backup.job.HookRun;
import org.aiod.backup.job.Job;
import org.aiod.backup.job.JobError;
import org.aiod.backup.job.JobPlan;
import org.aiod.backup.job.JobSource;
import org.aiod.backup.job.JobState;
import org.aiod.backup.job.JobType;
import org.aiod.backup.job.MissedFiles;
import org.aiod.backup.job.PruneResult;
import org.aiod.backup.job.VerifyResult;

/**
 * The body of a completion event on {@code backup-events}, its own wire type: a finished job as its callers see it,
 * in this field order, absent values as {@code null}. Unlike the journal record it has no {@code messageId} (the
 * broker's id of the command goes into the event's {@code correlation-id} instead).
 *
 * <p>{@code plan} (the plan of a dry-run restore), {@code prune} (a prune's cycles removed and kept) and
 * {@code verify} (a verify's depth, per-level results and drill) and {@code hooks} (what the dataset's hooks did
 * around a backup or restore) are written only when set, so that every other
 * event is as it always was. A restore by {@code at} has the cycle and level it chose in {@code cycle} and {@code level}.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record JobEvent(String jobId, String requestId, JobType type, String dataset, Long cycle, Integer level,
        JobSource source, JobState status, Instant queuedAt, Instant startedAt, Instant finishedAt, Long files,
        Long bytes, String archive, JobError error, List<String> warnings, MissedFiles missed,
        @JsonInclude(JsonInclude.Include.NON_NULL) JobPlan plan,
        @JsonInclude(JsonInclude.Include.NON_NULL) PruneResult prune,
        @JsonInclude(JsonInclude.Include.NON_NULL) VerifyResult verify,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<HookRun> hooks) {

    /** The event of {@code job}, as it is now. */
    public static JobEvent of(Job job) {
        return new JobEvent(job.jobId(), job.requestId(), job.type(), job.dataset(), job.cycle(), job.level(),
                job.source(), job.status(), job.queuedAt(), job.startedAt(), job.finishedAt(), job.files(),
                job.bytes(), job.archive(), job.error(), job.warnings(), job.missed(), job.plan(), job.prune(), job.verify(),
                job.hooks());
    }
}
