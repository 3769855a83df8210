package org.aiod.backup.job;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One command and what became of it; immutable, each state change makes a new value through the transition table.
 * Serialised as is into the journal and, field for field, as the completion event.
 *
 * <p>{@code options}, {@code plan}, {@code prune} and {@code verify} are written only when set: a restore without options, and every job of
 * before they existed, is written as it always was, and a journal file without them reads as a job without them.
 *
 * @param cycle   for a restore the cycle asked for; for a restore by {@code at}, {@code null} until it ran, then the
 *                cycle it chose (as for a backup, the cycle written)
 * @param level   likewise the level
 * @param options a restore's options as asked ({@link RestoreOptions#canonical()}), {@code null} when none
 * @param plan    a dry-run restore's plan once it ran, else {@code null}
 * @param prune   a prune's dry-run flag, and once it ran the cycles removed and kept; {@code null} for other types
 * @param verify  a verify's depth, and once it ran each level's status and the drill's result; {@code null} for
 *                other types
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Job(String jobId, String requestId, String messageId, JobType type, String dataset, Long cycle, Integer level,
        JobSource source, JobState status, Instant queuedAt, Instant startedAt, Instant finishedAt, Long files,
        Long bytes, String archive, JobError error, List<String> warnings, MissedFiles missed,
        @JsonInclude(JsonInclude.Include.NON_NULL) RestoreOptions options,
        @JsonInclude(JsonInclude.Include.NON_NULL) JobPlan plan,
        @JsonInclude(JsonInclude.Include.NON_NULL) PruneResult prune,
        @JsonInclude(JsonInclude.Include.NON_NULL) VerifyResult verify) {

    /** A job without restore options or plan. */
    public Job(String jobId, String requestId, String messageId, JobType type, String dataset, Long cycle,
            Integer level, JobSource source, JobState status, Instant queuedAt, Instant startedAt, Instant finishedAt,
            Long files, Long bytes, String archive, JobError error, List<String> warnings, MissedFiles missed) {
        this(jobId, requestId, messageId, type, dataset, cycle, level, source, status, queuedAt, startedAt,
                finishedAt, files, bytes, archive, error, warnings, missed, null, null, null, null);
    }

    static Job queued(JobCommand command, Instant now) {
        return create(command, JobState.QUEUED, now, null);
    }

    static Job rejected(JobCommand command, Instant now, JobError error) {
        return create(command, JobState.REJECTED, now, error).withFinishedAt(now);
    }

    private static Job create(JobCommand command, JobState state, Instant now, JobError error) {
        JobTransitions.check(null, state);
        // what the command asked for, echoed in the journal and the event: the cycle and level of a restore
        Asked asked = command.match(new JobCommand.Cases<>() {
            @Override
            public Asked backup(JobCommand.Backup backup) {
                return new Asked(null, null, null, null, null);
            }

            @Override
            public Asked prune(JobCommand.Prune prune) {
                return new Asked(null, null, null, PruneResult.asked(prune.dryRunAsked()), null);
            }

            @Override
            public Asked verify(JobCommand.Verify verify) {
                return new Asked(null, null, null, null, VerifyResult.asked(verify.depth()));
            }

            @Override
            public Asked restore(JobCommand.Restore restore) {
                return new Asked(restore.cycle(), restore.level(), restore.options().canonical(), null, null);
            }
        });
        return new Job(UUID.randomUUID().toString(), command.requestId(), command.messageId(), command.type(), command.dataset(),
                asked.cycle(), asked.level(), command.source(), state, now, null, null, null, null, null,
                error, List.of(), null, asked.options(), null, asked.prune(), asked.verify());
    }

    /** The cycle, level, restore options, prune and verify options a command names, before the job ran. */
    private record Asked(Long cycle, Integer level, RestoreOptions options, PruneResult prune, VerifyResult verify) {
    }

    /** The restore's options, {@link RestoreOptions#NONE} when it has none (or is a backup). */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public RestoreOptions restoreOptions() {
        return options == null ? RestoreOptions.NONE : options;
    }

    Job started(Instant now) {
        JobTransitions.check(status, JobState.RUNNING);
        return new Job(jobId, requestId, messageId, type, dataset, cycle, level, source, JobState.RUNNING, queuedAt, now, null,
                files, bytes, archive, error, warnings, missed, options, plan, prune, verify);
    }

    Job succeeded(Instant now, long cycle, int level, long files, long bytes, String archive, List<String> warnings) {
        JobTransitions.check(status, JobState.SUCCEEDED);
        return new Job(jobId, requestId, messageId, type, dataset, cycle, level, source, JobState.SUCCEEDED, queuedAt,
                startedAt, now, files, bytes, archive, null, List.copyOf(warnings), null, options, null, prune, verify);
    }

    /** A dry-run restore answered {@code plan} for that cycle and level; nothing was changed. */
    Job planned(Instant now, long cycle, int level, List<String> warnings, JobPlan plan) {
        JobTransitions.check(status, JobState.SUCCEEDED);
        return new Job(jobId, requestId, messageId, type, dataset, cycle, level, source, JobState.SUCCEEDED, queuedAt,
                startedAt, now, 0L, 0L, null, null, List.copyOf(warnings), null, options, plan, prune, verify);
    }

    /** The level was committed, but without the files in {@code missed}. */
    Job partial(Instant now, long cycle, int level, long files, long bytes, String archive, List<String> warnings,
            MissedFiles missed) {
        JobTransitions.check(status, JobState.PARTIAL);
        return new Job(jobId, requestId, messageId, type, dataset, cycle, level, source, JobState.PARTIAL, queuedAt,
                startedAt, now, files, bytes, archive, null, List.copyOf(warnings), missed, options, null, prune, verify);
    }

    /** A prune ran (or, as a dry run, decided): what it removed and kept. */
    Job pruned(Instant now, PruneResult result, List<String> warnings) {
        JobTransitions.check(status, JobState.SUCCEEDED);
        return new Job(jobId, requestId, messageId, type, dataset, cycle, level, source, JobState.SUCCEEDED, queuedAt,
                startedAt, now, null, null, null, null, List.copyOf(warnings), null, options, null, result, verify);
    }

    /**
     * A verify ran: {@code SUCCEEDED} when {@code error} is {@code null}, else {@code FAILED} with it; the per-level
     * results are kept either way.
     */
    Job verified(Instant now, VerifyResult result, List<String> warnings, JobError error) {
        JobState end = error == null ? JobState.SUCCEEDED : JobState.FAILED;
        JobTransitions.check(status, end);
        return new Job(jobId, requestId, messageId, type, dataset, cycle, level, source, end, queuedAt, startedAt, now,
                null, null, null, error, List.copyOf(warnings), null, options, null, prune, result);
    }

    Job failed(Instant now, JobError error) {
        JobTransitions.check(status, JobState.FAILED);
        return new Job(jobId, requestId, messageId, type, dataset, cycle, level, source, JobState.FAILED, queuedAt, startedAt,
                now, files, bytes, archive, error, warnings, missed, options, plan, prune, verify);
    }

    private Job withFinishedAt(Instant now) {
        return new Job(jobId, requestId, messageId, type, dataset, cycle, level, source, status, queuedAt, startedAt, now,
                files, bytes, archive, error, warnings, missed, options, plan, prune, verify);
    }
}
