package org.aiod.backup.job;

/**
 * What one hook did: kept in the job (journal, {@code GET /api/jobs/{id}}) and its completion event, and logged.
 *
 * @param hook        which hook: {@code before-backup}, {@code after-backup}, {@code before-restore} or
 *                    {@code after-restore}
 * @param outcome     {@code OK}, {@code FAILED} (exit status not 0, or the command could not be started) or
 *                    {@code TIMED_OUT} (killed with every process it started)
 * @param exitCode    the command's exit status; {@code null} when it timed out or could not be started
 * @param onError     {@code fail} or {@code continue}, as configured
 * @param durationMs  how long it ran
 * @param output      the end of what it wrote to standard output and standard error (together), at most
 *                    {@link HookRunner#OUTPUT_TAIL_BYTES} bytes; for a command that could not be started, why
 * @param outputTruncated whether earlier output was dropped to keep that bound
 */
public record HookRun(String hook, Outcome outcome, Integer exitCode, String onError, long durationMs, String output,
        boolean outputTruncated) {

    /** How a hook ended. */
    public enum Outcome {
        OK, FAILED, TIMED_OUT
    }

    /** Whether the hook ended well. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean succeeded() {
        return outcome == Outcome.OK;
    }

    /** A short description for a warning or an error message: {@code before-backup exited with 3}. */
    String describe() {
        return switch (outcome) {
            case OK -> hook + " succeeded";
            case FAILED -> exitCode == null ? hook + " could not be started: " + output
                    : hook + " exited with status " + exitCode;
            case TIMED_OUT -> hook + " timed out after " + durationMs + " ms and was killed with its processes";
        };
    }
}
