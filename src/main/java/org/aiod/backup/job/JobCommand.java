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
