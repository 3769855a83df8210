package org.aiod.backup.job;

/**
 * A command as the adapters translate it: {@code BACKUP(dataset)} or {@code RESTORE(dataset, cycle, level?)}.
 *
 * @param requestId the caller's id: a command whose request id already finished is answered from the journal
 * @param messageId the broker's id of the message that carried the command, if any: a redelivered message whose
 *                  job already exists is answered from the journal too, even without a request id
 */
public record JobCommand(JobType type, String dataset, Long cycle, Integer level, String requestId,
        String messageId, JobSource source) {

    /** What a request id may be: it is journaled, logged and echoed in events, so it is short and plain. */
    public static final java.util.regex.Pattern REQUEST_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    /** Why {@code requestId} is not acceptable, or {@code null} when it is (or absent). */
    public static String requestIdProblem(String requestId) {
        if (requestId == null || REQUEST_ID.matcher(requestId).matches()) {
            return null;
        }
        return "requestId must be 1 to 128 characters of [A-Za-z0-9._:-], was " + (requestId.length() > 128
                ? requestId.length() + " characters long" : "\"" + requestId.replaceAll("[^\\x20-\\x7e]", "?") + "\"");
    }

    public static JobCommand backup(String dataset, String requestId, JobSource source) {
        return new JobCommand(JobType.BACKUP, dataset, null, null, requestId, null, source);
    }

    public static JobCommand restore(String dataset, Long cycle, Integer level, String requestId, JobSource source) {
        return new JobCommand(JobType.RESTORE, dataset, cycle, level, requestId, null, source);
    }

    public JobCommand withMessageId(String id) {
        return new JobCommand(type, dataset, cycle, level, requestId, id, source);
    }
}
