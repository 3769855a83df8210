package org.aiod.backup.job;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The one log line of a job's start and the one of its end, as {@code key=value} pairs so that they can be read by
 * eye and by a log pipeline alike. Absent values are {@code -}; values that are not plain words (a rejected command
 * may carry any text) are quoted with JSON escapes, so a line is always one line.
 *
 * <pre>
 * job 6c1f... started: type=BACKUP dataset=connectors cycle=next level=next source=schedule
 * job 6c1f... SUCCEEDED: type=BACKUP dataset=connectors cycle=2 level=3 files=120 bytes=73400320 durationMs=5210 queuedMs=4 source=schedule
 * job 7d2e... PARTIAL: type=BACKUP dataset=connectors cycle=2 level=4 files=118 bytes=73400000 durationMs=5102 queuedMs=3 source=schedule missed=2
 * job 9a0b... started: type=RESTORE dataset=connectors cycle=2 level=last source=http requestId=r-1
 * job 9a0b... FAILED: type=RESTORE dataset=connectors cycle=2 level=- files=- bytes=- durationMs=10012 queuedMs=0 source=http requestId=r-1 error=LOCK_TIMEOUT message="dataset 'connectors' is busy: ..."
 * </pre>
 *
 * A {@code REJECTED} job never runs: its only line is its end line, without durations.
 */
final class JobLog {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._:/@+-]+");

    private JobLog() {
    }

    /** The start line: the cycle and level asked for ({@code next} for a backup, {@code last} for no level). */
    static String started(Job job) {
        StringBuilder line = new StringBuilder("job ").append(job.jobId()).append(" started:");
        field(line, "type", job.type());
        field(line, "dataset", job.dataset());
        // switch expressions: a new job type does not compile until its start line is decided
        field(line, "cycle", switch (job.type()) {
            case BACKUP -> "next";
            case RESTORE -> job.cycle();
            case PRUNE, VERIFY -> "all";
        });
        field(line, "level", switch (job.type()) {
            case BACKUP -> "next";
            case RESTORE -> job.level() == null ? "last" : job.level();
            case PRUNE, VERIFY -> "all";
        });
        switch (job.type()) {
            case BACKUP, RESTORE -> {
            }
            case PRUNE -> field(line, "dryRun", job.prune() != null && job.prune().dryRunAsked());
            case VERIFY -> field(line, "depth", job.verify() == null ? null : job.verify().depth());
        }
        common(line, job);
        return line.toString();
    }

    /**
     * One line per file a {@code PARTIAL} job missed (as many as its view names), so that the log says which, not
     * only how many: {@code job 7d2e... not taken: path="db/secret.key" reason="permission denied"}.
     */
    static java.util.List<String> missed(Job job) {
        if (job.missed() == null) {
            return java.util.List.of();
        }
        java.util.List<String> lines = new java.util.ArrayList<>();
        for (MissedFiles.File file : job.missed().files()) {
            lines.add("job " + job.jobId() + " not taken: path=" + quote(file.path()) + " reason="
                    + quote(file.reason()));
        }
        if (job.missed().total() > job.missed().files().size()) {
            lines.add("job " + job.jobId() + " not taken: " + (job.missed().total() - job.missed().files().size())
                    + " more files");
        }
        return lines;
    }

    /** The end line: what the job did (cycle and level written or restored, files, bytes) and how long it took. */
    static String finished(Job job) {
        StringBuilder line = new StringBuilder("job ").append(job.jobId()).append(' ').append(job.status())
                .append(':');
        field(line, "type", job.type());
        field(line, "dataset", job.dataset());
        field(line, "cycle", job.cycle());
        field(line, "level", job.level());
        if (job.status() != JobState.REJECTED) {
            field(line, "files", job.files());
            field(line, "bytes", job.bytes());
            // a job another process is still running (read from the shared journal) has no end yet
            field(line, "durationMs", millis(job.startedAt() == null || job.finishedAt() == null ? null
                    : Duration.between(job.startedAt(), job.finishedAt())));
            field(line, "queuedMs", millis(job.startedAt() == null ? null
                    : Duration.between(job.queuedAt(), job.startedAt())));
        }
        common(line, job);
        if (job.warnings() != null && !job.warnings().isEmpty()) {
            field(line, "warnings", job.warnings().size());
        }
        if (job.missed() != null) {
            field(line, "missed", job.missed().total());
        }
        if (job.prune() != null && job.prune().removed() != null) {
            field(line, "dryRun", job.prune().dryRunAsked());
            field(line, "removed", job.prune().removed().isEmpty() ? "none" : job.prune().removed().stream()
                    .map(r -> String.valueOf(r.cycle())).collect(java.util.stream.Collectors.joining(",")));
            field(line, "bytesFreed", job.prune().bytesFreed());
            field(line, "kept", job.prune().kept().size());
        }
        if (job.verify() != null && job.verify().levels() != null) {
            field(line, "depth", job.verify().depth());
            field(line, "levels", job.verify().levels().size());
            field(line, "corrupt", job.verify().count(org.aiod.backup.engine.LevelCheck.Status.CORRUPT));
            field(line, "missing", job.verify().count(org.aiod.backup.engine.LevelCheck.Status.MISSING));
            if (job.verify().drill() != null) {
                field(line, "drill", job.verify().drill().passed() ? "passed" : "failed");
            }
        }
        if (job.error() != null) {
            field(line, "error", job.error().code());
            line.append(" message=").append(quote(String.valueOf(job.error().message())));
        }
        return line.toString();
    }

    private static void common(StringBuilder line, Job job) {
        field(line, "source", job.source() == null ? null : job.source().label());
        if (job.requestId() != null) {
            field(line, "requestId", job.requestId());
        }
    }

    private static Long millis(Duration duration) {
        return duration == null ? null : duration.toMillis();
    }

    private static void field(StringBuilder line, String key, Object value) {
        line.append(' ').append(key).append('=').append(value(value));
    }

    static String value(Object value) {
        if (value == null) {
            return "-";
        }
        String text = String.valueOf(value);
        return PLAIN.matcher(text).matches() ? text : quote(text);
    }

    /** {@code text} in double quotes, with JSON escapes for quotes, backslashes and control characters. */
    static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
