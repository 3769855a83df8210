package org.aiod.backup.job;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One command and what became of it; immutable, each state change makes a new value through the transition table.
 * Serialised as is into the journal and, field for field, as the completion event.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Job(String jobId, String requestId, String messageId, JobType type, String dataset, Long cycle, Integer level,
        JobSource source, JobState status, Instant queuedAt, Instant startedAt, Instant finishedAt, Long files,
        Long bytes, String archive, JobError error, List<String> warnings, MissedFiles missed) {

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
                return new Asked(null, null);
            }

            @Override
            public Asked restore(JobCommand.Restore restore) {
                return new Asked(restore.cycle(), restore.level());
            }
        });
        return new Job(UUID.randomUUID().toString(), command.requestId(), command.messageId(), command.type(), command.dataset(),
                asked.cycle(), asked.level(), command.source(), state, now, null, null, null, null, null,
                error, List.of(), null);
    }

    /** The cycle and level a command names, before the job ran. */
    private record Asked(Long cycle, Integer level) {
    }

    Job started(Instant now) {
        JobTransitions.check(status, JobState.RUNNING);
        return new Job(jobId, requestId, messageId, type, dataset, cycle, level, source, JobState.RUNNING, queuedAt, now, null,
                files, bytes, archive, error, warnings, missed);
    }

    Job succeeded(Instant now, long cycle, int level, long files, long bytes, String archive, List<String> warnings) {
        JobTransitions.check(status, JobState.SUCCEEDED);
        return new Job(jobId, requestId, messageId, type, dataset, cycle, level, source, JobState.SUCCEEDED, queuedAt,
                startedAt, now, files, bytes, archive, null, List.copyOf(warnings), null);
    }

    /** The level was committed, but without the files in {@code missed}. */
    Job partial(Instant now, long cycle, int level, long files, long bytes, String archive, List<String> warnings,
            MissedFiles missed) {
        JobTransitions.check(status, JobState.PARTIAL);
        return new Job(jobId, requestId, messageId, type, dataset, cycle, level, source, JobState.PARTIAL, queuedAt,
                startedAt, now, files, bytes, archive, null, List.copyOf(warnings), missed);
    }

    Job failed(Instant now, JobError error) {
        JobTransitions.check(status, JobState.FAILED);
        return new Job(jobId, requestId, messageId, type, dataset, cycle, level, source, JobState.FAILED, queuedAt, startedAt,
                now, files, bytes, archive, error, warnings, missed);
    }

    private Job withFinishedAt(Instant now) {
        return new Job(jobId, requestId, messageId, type, dataset, cycle, level, source, status, queuedAt, startedAt, now,
                files, bytes, archive, error, warnings, missed);
    }
}
