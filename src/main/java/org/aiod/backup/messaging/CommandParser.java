package org.aiod.backup.messaging;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.aiod.backup.job.CommandRules;
import org.aiod.backup.job.ErrorCode;
import org.aiod.backup.job.JobCommand;
import org.aiod.backup.job.JobError;
import org.aiod.backup.job.JobSource;
import org.aiod.backup.job.JobType;
import org.aiod.backup.job.RestoreOptions;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Turns the body of a command message into a {@link JobCommand}, checking its shape and types, and the rules of
 * {@link CommandRules} that belong to single fields (required, not negative, the request id's form) so that every
 * problem of a body is reported at once; the rest of the command's validation (the dataset-name rule, then whether
 * the dataset, cycle and level exist) is the job service's, the same for every source.
 *
 * <p>Accepted bodies: a JSON object, given as the connector decodes it ({@link JsonObject}, when the sender set
 * {@code application/json}) or as JSON text (an AMQP string value, or a data section / binary value in UTF-8).
 * Anything else is refused with {@code INVALID_COMMAND}: not JSON, a JSON value that is not an object, text that is
 * not UTF-8, an AMQP map or list.
 *
 * <p>Each queue carries one command: {@code backup-commands} BACKUP, {@code restore-commands} RESTORE,
 * {@code verify-commands} VERIFY, {@code prune-commands} PRUNE; the queue's send permission is the command's role.
 *
 * <p>Fields: {@code dataset} (string, required, except for a prune: without it, every managed dataset is pruned),
 * {@code requestId} (string, optional); for a prune {@code dryRun}
 * (boolean), for a verify {@code depth} ({@code checksums} or {@code drill}), both optional; and for a restore
 * {@code cycle} (JSON integer &gt;= 0, required unless {@code at} is given) and {@code level} (JSON integer &gt;= 0,
 * optional), {@code target} (string), {@code overwrite} (boolean), {@code paths} (array of strings), {@code at}
 * (string, an ISO-8601 instant with an offset, instead of {@code cycle} and {@code level}) and {@code dryRun}
 * (boolean), all optional. A {@code null}
 * optional field counts as absent. Numbers must be written as integers: {@code 2.5}, {@code 2.0}, {@code 2e0} and
 * {@code "2"} are refused; booleans as JSON booleans ({@code "true"} and {@code 1} are refused). A field this service
 * does not know is refused, never ignored: a sender who asked for something this version does not do (a backup's
 * {@code cycle}) must not get something else done silently. The form of the target and the paths is
 * {@link CommandRules}'s, for every source. {@code requestId} is 1 to 128 characters of {@code [A-Za-z0-9._:-]}. Anything after the
 * object (a second value, garbage) is refused. Every problem of a body is reported at once, separated by
 * {@code "; "}; a refused request id is not kept in the rejected command.
 */
final class CommandParser {

    private static final ErrorCode INVALID_COMMAND = ErrorCode.INVALID_COMMAND;

    private CommandParser() {
    }

    /**
     * The outcome: {@code command} always holds what could be read (at least type and source, so a rejection can
     * be recorded), {@code error} is {@code null} when the body is well formed.
     */
    record Parsed(JobCommand command, JobError error) {
        boolean valid() {
            return error == null;
        }
    }

    /**
     * @param type the command of the queue the message came from ({@code BACKUP} for {@code backup-commands},
     *             {@code RESTORE} for {@code restore-commands}, {@code VERIFY} for {@code verify-commands},
     *             {@code PRUNE} for {@code prune-commands})
     */
    static Parsed parse(JobType type, Object body, String messageId) {
        Object json;
        try {
            json = toJson(body);
        } catch (IllegalArgumentException e) {
            return new Parsed(empty(type, messageId), new JobError(INVALID_COMMAND, e.getMessage()));
        }
        if (!(json instanceof JsonObject object)) {
            return new Parsed(empty(type, messageId),
                    new JobError(INVALID_COMMAND, "the body must be a JSON object, was " + describe(json)));
        }
        List<String> problems = new ArrayList<>();
        List<String> known = fields(type);
        for (String name : object.fieldNames()) {
            if (!known.contains(name)) {
                problems.add("unknown field " + Json.encode(abbreviate(name)) + " (a " + type.name().toLowerCase(
                        java.util.Locale.ROOT) + " command has " + String.join(", ", known) + ")");
            }
        }
        // a prune without a dataset prunes every managed one (the consumer submits one job per dataset)
        String dataset = string(object, "dataset", type == JobType.PRUNE ? null : CommandRules.DATASET_REQUIRED,
                problems);
        String requestId = string(object, "requestId", null, problems);
        String badRequestId = CommandRules.requestIdProblem(requestId);
        if (badRequestId != null) {
            problems.add(badRequestId);
            requestId = null;
        }
        JobCommand command = switch (type) {
            case BACKUP -> new JobCommand.Backup(dataset, requestId, messageId, JobSource.AMQP);
            case RESTORE -> {
                String at = string(object, "at", null, problems);
                boolean byTime = at != null;
                // with `at`, no cycle is needed; with both, the rule of CommandRules says so below
                Long cycle = integer(object, "cycle", byTime ? null : CommandRules.CYCLE_REQUIRED, Long.MAX_VALUE,
                        problems);
                Long level = integer(object, "level", null, Integer.MAX_VALUE, problems);
                if (byTime && (object.getValue("cycle") != null || object.getValue("level") != null)) {
                    problems.add(CommandRules.AT_OR_CYCLE);
                } else if (CommandRules.atProblem(at) != null) {
                    problems.add(CommandRules.atProblem(at));
                }
                RestoreOptions options = new RestoreOptions(string(object, "target", null, problems),
                        bool(object, "overwrite", problems), strings(object, "paths", problems), at,
                        bool(object, "dryRun", problems));
                yield new JobCommand.Restore(dataset, cycle, level == null ? null : level.intValue(), options,
                        requestId, messageId, JobSource.AMQP);
            }
            case PRUNE -> new JobCommand.Prune(dataset, bool(object, "dryRun", problems), requestId, messageId,
                    JobSource.AMQP);
            case VERIFY -> {
                String depth = string(object, "depth", null, problems);
                if (CommandRules.depthProblem(depth) != null) {
                    problems.add(CommandRules.depthProblem(depth));
                }
                yield new JobCommand.Verify(dataset, depth, requestId, messageId, JobSource.AMQP);
            }
        };
        return new Parsed(command, problems.isEmpty() ? null : new JobError(INVALID_COMMAND, String.join("; ", problems)));
    }

    /** The fields of each command, in the order they are named in an error. */
    private static List<String> fields(JobType type) {
        return switch (type) {
            case BACKUP -> List.of("dataset", "requestId");
            case RESTORE -> List.of("dataset", "cycle", "level", "target", "overwrite", "paths", "at", "dryRun",
                    "requestId");
            case PRUNE -> List.of("dataset", "dryRun", "requestId");
            case VERIFY -> List.of("dataset", "depth", "requestId");
        };
    }

    /** A command of {@code type} with nothing read from its body: what a body that is not an object becomes. */
    private static JobCommand empty(JobType type, String messageId) {
        return switch (type) {
            case BACKUP -> new JobCommand.Backup(null, null, messageId, JobSource.AMQP);
            case RESTORE -> new JobCommand.Restore(null, null, null, null, messageId, JobSource.AMQP);
            case PRUNE -> new JobCommand.Prune(null, null, null, messageId, JobSource.AMQP);
            case VERIFY -> new JobCommand.Verify(null, null, null, messageId, JobSource.AMQP);
        };
    }

    /** A JSON value (object, array, string, number, boolean, null) from whatever the receiver handed over. */
    private static Object toJson(Object body) {
        if (body instanceof JsonObject || body instanceof JsonArray) {
            return body;
        }
        String text;
        if (body == null) {
            throw new IllegalArgumentException("the body is empty; expected a JSON object");
        } else if (body instanceof String s) {
            text = s;
        } else if (body instanceof byte[] bytes) {
            text = utf8(bytes);
        } else if (body instanceof io.vertx.core.buffer.Buffer b) {
            text = utf8(b.getBytes());
        } else if (body instanceof io.vertx.mutiny.core.buffer.Buffer b) {
            text = utf8(b.getBytes());
        } else if (body instanceof Map || body instanceof List) {
            throw new IllegalArgumentException("the body is an AMQP " + (body instanceof Map ? "map" : "list")
                    + "; expected a JSON object as text or with content-type application/json");
        } else {
            throw new IllegalArgumentException("the body is an AMQP " + body.getClass().getSimpleName()
                    + "; expected a JSON object");
        }
        if (text.isBlank()) {
            throw new IllegalArgumentException("the body is empty; expected a JSON object");
        }
        try {
            // Vert.x reads one value and refuses anything after it ("Unexpected trailing token")
            return Json.decodeValue(text);
        } catch (DecodeException e) {
            throw new IllegalArgumentException("the body is not valid JSON: " + message(e));
        }
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the body is not UTF-8 text; expected a JSON object");
        }
    }

    /** The string {@code field}; absent, it is a problem when {@code whenMissing} says why. */
    private static String string(JsonObject object, String field, String whenMissing, List<String> problems) {
        Object value = object.getValue(field);
        if (value == null) {
            if (whenMissing != null) {
                problems.add(whenMissing);
            }
            return null;
        }
        if (value instanceof String s) {
            return s;
        }
        problems.add(field + " must be a string, was " + describe(value));
        return null;
    }

    /** The boolean {@code field}, or {@code null} when absent: {@code "true"} and {@code 1} are refused. */
    private static Boolean bool(JsonObject object, String field, List<String> problems) {
        Object value = object.getValue(field);
        if (value == null || value instanceof Boolean) {
            return (Boolean) value;
        }
        problems.add(field + " must be a boolean, was " + describe(value));
        return null;
    }

    /** The array of strings {@code field}, or {@code null} when absent; an element that is not a string is refused. */
    private static List<String> strings(JsonObject object, String field, List<String> problems) {
        Object value = object.getValue(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof JsonArray array)) {
            problems.add(field + " must be an array of strings, was " + describe(value));
            return null;
        }
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            Object element = array.getValue(i);
            if (!(element instanceof String s)) {
                problems.add(field + "[" + i + "] must be a string, was " + describe(element));
                return null;
            }
            strings.add(s);
        }
        return strings;
    }

    /** The integer {@code field}, 0 to {@code max}; absent, it is a problem when {@code whenMissing} says why. */
    private static Long integer(JsonObject object, String field, String whenMissing, long max,
            List<String> problems) {
        Object value = object.getValue(field);
        if (value == null) {
            if (whenMissing != null) {
                problems.add(whenMissing);
            }
            return null;
        }
        long n;
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            n = ((Number) value).longValue();
        } else if (value instanceof BigInteger big) {
            problems.add(field + " is out of range: " + big);
            return null;
        } else {
            problems.add(field + " must be an integer, was " + describe(value));
            return null;
        }
        String negative = CommandRules.negativeProblem(field, n);
        if (negative != null) {
            problems.add(negative);
            return null;
        }
        if (n > max) {
            problems.add(field + " is out of range: " + n);
            return null;
        }
        return n;
    }

    /** The JSON kind and value of {@code value}, e.g. {@code the string "2"}, {@code the number 2.5}. */
    static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String s) {
            return "the string " + Json.encode(abbreviate(s));
        }
        if (value instanceof BigDecimal || value instanceof Double || value instanceof Float) {
            return "the number " + value;
        }
        if (value instanceof Number || value instanceof Boolean) {
            return (value instanceof Boolean ? "the boolean " : "the number ") + value;
        }
        if (value instanceof JsonObject || value instanceof Map) {
            return "an object";
        }
        if (value instanceof JsonArray || value instanceof List) {
            return "an array";
        }
        return "a " + value.getClass().getSimpleName();
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    private static String message(Throwable e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        // Jackson appends the whole source to its messages; keep the first line
        int nl = m.indexOf('\n');
        return abbreviate(nl < 0 ? m : m.substring(0, nl));
    }
}
