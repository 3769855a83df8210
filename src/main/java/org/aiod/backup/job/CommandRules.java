package org.aiod.backup.job;

import java.util.Optional;
import java.util.regex.Pattern;

import org.aiod.backup.engine.DatasetName;

/**
 * The one validation of a command's own fields, before anything is looked up on disk: the dataset is given and
 * follows the {@link DatasetName dataset-name rule}, a restore has a cycle or a point in time ({@code at}, then no
 * cycle or level), cycle and level are not negative, {@code overwrite} comes with a target, the target is absolute and
 * the paths relative, without {@code ..}, bounded in number and length ({@code INVALID_PATH} for a path's form), a
 * verify's depth is {@code checksums} or {@code drill}, a request id is short and plain. {@link JobRunner#validate} applies it to every command, whatever its source (AMQP,
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
    public static final String AT_OR_CYCLE = "at is instead of cycle and level: give either at or a cycle"
            + " (and level), not both";

    /** The most paths one restore lists: a subset is a few files or directories, the whole tree is no paths. */
    public static final int MAX_PATHS = 1000;
    /** The longest target or path, in characters (Linux's PATH_MAX). */
    public static final int MAX_PATH_LENGTH = 4096;
    private static final int MAX_AT_LENGTH = 64;

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
                RestoreOptions options = restore.options();
                String problem = options.at() != null ? whenProblem(restore) : restore.cycle() == null
                        ? CYCLE_REQUIRED : negativeProblem("cycle", restore.cycle());
                if (problem == null && restore.level() != null) {
                    problem = negativeProblem("level", restore.level());
                }
                if (problem == null) {
                    problem = optionsProblem(options);
                }
                if (problem != null) {
                    return invalid(ErrorCode.INVALID_COMMAND, problem);
                }
                String badPath = pathProblem(options);
                return badPath == null ? Optional.empty() : invalid(ErrorCode.INVALID_PATH, badPath);
            }

            @Override
            public Optional<JobError> prune(JobCommand.Prune prune) {
                return Optional.empty();
            }

            @Override
            public Optional<JobError> verify(JobCommand.Verify verify) {
                String problem = depthProblem(verify.depth());
                return problem == null ? Optional.empty() : invalid(ErrorCode.INVALID_COMMAND, problem);
            }
        });
        if (invalid.isPresent()) {
            return invalid;
        }
        String badRequestId = requestIdProblem(command.requestId());
        return badRequestId == null ? Optional.empty() : invalid(ErrorCode.INVALID_COMMAND, badRequestId);
    }

    /**
     * Why a restore's point in time is not acceptable: given with a cycle or level, or not an ISO-8601 instant with
     * an offset; {@code null} when it is.
     */
    public static String whenProblem(JobCommand.Restore restore) {
        String at = restore.options().at();
        if (restore.cycle() != null || restore.level() != null) {
            return AT_OR_CYCLE;
        }
        return atProblem(at);
    }

    /** Why {@code at} is not an instant this service takes, or {@code null} when it is (or absent). */
    public static String atProblem(String at) {
        if (at == null) {
            return null;
        }
        if (at.length() > MAX_AT_LENGTH || parseAt(at) == null) {
            return "at must be an ISO-8601 time with an offset, such as 2026-11-30T02:00:00Z, was "
                    + quoted(at, MAX_AT_LENGTH);
        }
        return null;
    }

    /** The instant {@code at} names, or {@code null} when it does not parse. */
    public static java.time.Instant parseAt(String at) {
        try {
            return java.time.OffsetDateTime.parse(at).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    /** What is wrong with the options' combination and sizes (not the paths' form), or {@code null}. */
    private static String optionsProblem(RestoreOptions options) {
        if (options.overwriteAsked() && options.target() == null) {
            return "overwrite applies to a target only: a restore in place always replaces the dataset's tree";
        }
        if (options.pathsAsked().size() > MAX_PATHS) {
            return "paths may list at most " + MAX_PATHS + " entries, was " + options.pathsAsked().size();
        }
        return null;
    }

    /**
     * What is wrong with the target's or a path's form, or {@code null}: the target absolute, each path relative,
     * neither with {@code ..}, an empty name or a NUL, each at most {@link #MAX_PATH_LENGTH} characters. The engine
     * checks the same again ({@code INVALID_PATH}); here a command is refused before it is queued.
     */
    private static String pathProblem(RestoreOptions options) {
        String target = options.target();
        if (target != null) {
            String problem = pathFormProblem("target", target);
            if (problem == null && !target.startsWith("/")) {
                problem = "target must be an absolute path, was " + quoted(target, MAX_PATH_LENGTH);
            }
            if (problem != null) {
                return problem;
            }
        }
        for (String path : options.pathsAsked()) {
            if (path == null) {
                return "paths must hold strings, not null";
            }
            String problem = pathFormProblem("path", path);
            if (problem == null && path.startsWith("/")) {
                problem = "path " + quoted(path, MAX_PATH_LENGTH) + " must be relative to the dataset";
            }
            if (problem == null && java.util.Arrays.stream(path.split("/")).allMatch(p -> p.isEmpty() || p.equals("."))) {
                problem = "path " + quoted(path, MAX_PATH_LENGTH) + " names no file in the dataset (leave paths out"
                        + " to restore the whole tree)";
            }
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static String pathFormProblem(String what, String path) {
        if (path.isEmpty()) {
            return what + " must not be empty";
        }
        if (path.length() > MAX_PATH_LENGTH) {
            return what + " is " + path.length() + " characters long, at most " + MAX_PATH_LENGTH;
        }
        if (path.indexOf('\0') >= 0) {
            return what + " " + quoted(path, MAX_PATH_LENGTH) + " contains a NUL character";
        }
        if (java.util.Arrays.asList(path.split("/")).contains("..")) {
            return what + " " + quoted(path, MAX_PATH_LENGTH) + " contains '..'";
        }
        return null;
    }

    private static String quoted(String s, int max) {
        String shown = s.length() > max ? s.substring(0, max) + "..." : s;
        return "\"" + shown.replaceAll("[^\\x20-\\x7e]", "?") + "\"";
    }

    /** Why a verify's {@code depth} names no depth, or {@code null} when it names one (or is absent: checksums). */
    public static String depthProblem(String depth) {
        if (VerifyResult.depth(depth) != null) {
            return null;
        }
        return "depth must be checksums or drill, was " + quoted(depth, 64);
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
