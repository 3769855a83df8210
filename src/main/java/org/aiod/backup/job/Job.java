package org.aiod.backup.job;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One command and what became of it; immutable, each state change makes a new value through the transition table.
 * Serialised as is into the journal and, field for field, as the completion event.
 *
 * <p>{@code options}, {@code plan}, {@code prune}, {@code verify} and {@code hooks} are written only when set: a restore without options, and every job of
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
 * @param hooks   the hooks that ran around a backup or restore ({@code backup.hooks.*}), in order; {@code null}
 *                when none ran
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Job(String jobId, String requestId, String messageId, JobType type, String dataset, Long cycle, Integer level,
        JobSource source, JobState status, Instant queuedAt, Instant startedAt, Instant finishedAt, Long files,
        Long bytes, String archive, JobError error, List<String> warnings, MissedFiles missed,
        @JsonInclude(JsonInclude.Include.NON_NULL) RestoreOptions options,
        @JsonInclude(JsonInclude.Include.NON_NULL) JobPlan plan,
        @JsonInclude(JsonInclude.Include.NON_NULL) PruneResult prune,
        @JsonInclude(JsonInclude.Include.NON_NULL) VerifyResult verify,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<HookRun> hooks) {

    /** A job without restore options or plan. */
    public Job(String jobId, String requestId, String messageId, JobType type, String dataset, Long cycle,
            Integer level, JobSource source, JobState status, Instant queuedAt, Instant startedAt, Instant finishedAt,
            Long files, Long bytes, String archive, JobError error, List<String> warnings, MissedFiles missed) {
        this(jobId, requestId, messageId, type, dataset, cycle, level, source, status, queuedAt, startedAt,
                finishedAt, files, bytes, archive, error, warnings, missed, null, null, null, null, null);
    }

    /** A job without hook runs: every job of before hooks existed, and every job of a dataset without hooks. */
    public Job(String jobId, String requestId, String messageId, JobType type, String dataset, Long cycle,
            Integer level, JobSource source, JobState status, Instant queuedAt, Instant startedAt, Instant finishedAt,
            Long files, Long bytes, String archive, JobError error, List<String> warnings, MissedFiles missed,
            RestoreOptions options, JobPlan plan, PruneResult prune, VerifyResult verify) {
        this(jobId, requestId, messageId, type, dataset, cycle, level, source, status, queuedAt, startedAt,
                finishedAt, files, bytes, archive, error, warnings, missed, options, plan, prune, verify, null);
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
                error, List.of(), null, asked.options(), null, asked.prune(), asked.verify(), null);
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
                files, bytes, archive, error, warnings, missed, options, plan, prune, verify, hooks);
    }

    Job succeeded(Instant now, long cycle, int level, long files, long bytes, String archive, List<String> warnings) {
        JobTransitions.check(status, JobState.SUCCEEDED);
        return new Job(jobId, requestId, messageId, type, dataset, cycle, level, source, JobState.SUCCEEDED, queuedAt,
                startedAt, now, files, bytes, archive, null, List.copyOf(warnings), null, options, null, prune, verify, hooks);
    }

    /** A dry-run restore answered {@code plan} for that cycle and level; nothing was changed. */
    Job planned(Instant now, long cycle, int level, List<String> warnings, JobPlan plan) {
        JobTransitions.check(status, JobState.SUCCEEDED);
        return new Job(jobId, requestId, messageId, type, dataset, cycle, level, source, JobState.SUCCEEDED, queuedAt,
                startedAt, now, 0L, 0L, null, null, List.copyOf(warnings), null, options, plan, prune, verify, hooks);
    }

    /** The level was committed, but without the files in {@code missed}. */
    Job partial(Instant now, long cycle, int level, long files, long bytes, String archive, List<String> warnings,
            MissedFiles missed) {
        JobTransitions.check(status, JobState.PARTIAL);
        return new Job(jobId, requestId, messageId, type, dataset, cycle, level, source, JobState.PARTIAL, queuedAt,
                startedAt, now, files, bytes, archive, null, List.copyOf(warnings), missed, options, null, prune, verify, hooks);
    }

    /** A prune ran (or, as a dry run, decided): what it removed and kept. */
    Job pruned(Instant now, PruneResult result, List<String> warnings) {
        JobTransitions.check(status, JobState.SUCCEEDED);
        return new Job(jobId, requestId, messageId, type, dataset, cycle, level, source, JobState.SUCCEEDED, queuedAt,
                startedAt, now, null, null, null, null, List.copyOf(warnings), null, options, null, result, verify, hooks);
    }

    /**
     * A verify ran: {@code SUCCEEDED} when {@code error} is {@code null}, else {@code FAILED} with it; the per-level
     * results are kept either way.
     */
    Job verified(Instant now, VerifyResult result, List<String> warnings, JobError error) {
        JobState end = error == null ? JobState.SUCCEEDED : JobState.FAILED;
        JobTransitions.check(status, end);
        return new Job(jobId, requestId, messageId, type, dataset, cycle, level, source, end, queuedAt, startedAt, now,
                null, null, null, error, List.copyOf(warnings), null, options, null, prune, result, hooks);
    }

    Job failed(Instant now, JobError error) {
        JobTransitions.check(status, JobState.FAILED);
        return new Job(jobId, requestId, messageId, type, dataset, cycle, level, source, JobState.FAILED, queuedAt, startedAt,
                now, files, bytes, archive, error, warnings, missed, options, plan, prune, verify, hooks);
    }

    /**
     * This finished job with the hooks that ran around it and their warnings; {@code partial}: a job that succeeded
     * ends {@code PARTIAL} instead (a hook failed, see {@link HookRunner}). A failed job stays failed.
     */
    Job withHooks(List<HookRun> runs, List<String> hookWarnings, boolean partial) {
        JobState end = partial && status == JobState.SUCCEEDED ? JobState.PARTIAL : status;
        // the job comes from RUNNING: its end is decided once the hooks have run too
        JobTransitions.check(JobState.RUNNING, end);
        List<String> all = new java.util.ArrayList<>(warnings == null ? List.of() : warnings);
        all.addAll(hookWarnings);
        return new Job(jobId, requestId, messageId, type, dataset, cycle, level, source, end, queuedAt, startedAt,
                finishedAt, files, bytes, archive, error, List.copyOf(all), missed, options, plan, prune, verify,
                List.copyOf(runs));
    }

    private Job withFinishedAt(Instant now) {
        return new Job(jobId, requestId, messageId, type, dataset, cycle, level, source, status, queuedAt, startedAt, now,
                files, bytes, archive, error, warnings, missed, options, plan, prune, verify, hooks);
    }
}
