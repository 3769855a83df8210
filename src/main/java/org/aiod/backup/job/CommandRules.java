package org.aiod.backup.job;

import java.util.Optional;
import java.util.regex.Pattern;

import org.aiod.backup.engine.DatasetName;

/**
 * The one validation of a command's own fields, before anything is looked up on disk: the dataset is given and
 * follows the {@link DatasetName dataset-name rule}, a restore has a cycle, cycle and level are not negative, a
 * request id is short and plain. {@link JobRunner#validate} applies it to every command, whatever its source (AMQP,
 * HTTP, the schedule, the command line), before it checks that the dataset, directory, cycle and level exist.
 *
 * <p>The adapters that read bodies use the same rules field by field ({@link #requestIdProblem},
 * {@link #negativeProblem}, and the messages {@link #DATASET_REQUIRED} and {@link #CYCLE_REQUIRED}) to say what is wrong with a body as they
 * read it: the AMQP parser lists every problem of a body at once, the HTTP resources refuse an ill-formed request id
 * before it becomes a command.
 */
public final class CommandRules {

    /** What a request id may be: it is journaled, logged and echoed in events, so it is short and plain. */
    public static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    public static final String DATASET_REQUIRED = "dataset is required";
    public static final String CYCLE_REQUIRED = "cycle is required for a restore";

    private CommandRules() {
    }

    /** The first thing wrong with the fields of {@code command}, or empty when there is none. */
    public static Optional<JobError> check(JobCommand command) {
        String dataset = command.dataset();
        if (dataset == null || dataset.isBlank()) {
            return invalid(ErrorCode.INVALID_COMMAND, DATASET_REQUIRED);
        }
        if (!DatasetName.isValid(dataset)) {
            return invalid(ErrorCode.INVALID_DATASET, "invalid dataset name '" + dataset
                    + "': expected [A-Za-z0-9][A-Za-z0-9._-]*, at most 128 characters");
        }
        Optional<JobError> invalid = command.match(new JobCommand.Cases<>() {
            @Override
            public Optional<JobError> backup(JobCommand.Backup backup) {
                return Optional.empty();
            }

            @Override
            public Optional<JobError> restore(JobCommand.Restore restore) {
                if (restore.cycle() == null) {
                    return invalid(ErrorCode.INVALID_COMMAND, CYCLE_REQUIRED);
                }
                String problem = negativeProblem("cycle", restore.cycle());
                if (problem == null && restore.level() != null) {
                    problem = negativeProblem("level", restore.level());
                }
                return problem == null ? Optional.empty() : invalid(ErrorCode.INVALID_COMMAND, problem);
            }
        });
        if (invalid.isPresent()) {
            return invalid;
        }
        String badRequestId = requestIdProblem(command.requestId());
        return badRequestId == null ? Optional.empty() : invalid(ErrorCode.INVALID_COMMAND, badRequestId);
    }

    /** Why {@code requestId} is not acceptable, or {@code null} when it is (or absent). */
    public static String requestIdProblem(String requestId) {
        if (requestId == null || REQUEST_ID.matcher(requestId).matches()) {
            return null;
        }
        return "requestId must be 1 to 128 characters of [A-Za-z0-9._:-], was " + (requestId.length() > 128
                ? requestId.length() + " characters long" : "\"" + requestId.replaceAll("[^\\x20-\\x7e]", "?") + "\"");
    }

    /** Why a cycle or level {@code value} is not acceptable, or {@code null} when it is. */
    public static String negativeProblem(String field, long value) {
        return value < 0 ? field + " must not be negative, was " + value : null;
    }

    private static Optional<JobError> invalid(ErrorCode code, String message) {
        return Optional.of(new JobError(code, message));
    }
}
