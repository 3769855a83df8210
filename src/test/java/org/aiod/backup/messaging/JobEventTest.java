package org.aiod.backup.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import org.aiod.backup.job.Job;
import org.aiod.backup.job.JobError;
import org.aiod.backup.job.JobSource;
import org.aiod.backup.job.JobState;
import org.aiod.backup.job.JobType;
import org.aiod.backup.job.MissedFiles;
import org.junit.jupiter.api.Test;

import io.vertx.core.json.JsonObject;

/**
 * The completion event is its own wire type, {@link JobEvent}, and its JSON is exactly what the events carried when
 * they were the journal record minus {@code messageId}: the same fields, in the same order, with the same values.
 */
class JobEventTest {

    static final List<String> FIELDS = List.of("jobId", "requestId", "type", "dataset", "cycle", "level", "source",
            "status", "queuedAt", "startedAt", "finishedAt", "files", "bytes", "archive", "error", "warnings",
            "missed");

    /** As Quarkus configures its ObjectMapper for the service: ISO-8601 instants. */
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private final EventPublisher publisher = new EventPublisher(null, null, json);

    private static final Job PARTIAL = new Job("3f0c2a4e-5d7b-4c1e-9a63-0b8f2d9e7c41", "nightly-1", "msg-1",
            JobType.BACKUP, "connectors", 2L, 3, JobSource.AMQP, JobState.PARTIAL,
            Instant.parse("2026-11-26T09:15:02.118204Z"), Instant.parse("2026-11-26T09:15:02.120511Z"),
            Instant.parse("2026-11-26T09:15:09.734092Z"), 1342L, 73400320L,
            "/backups/connectors/connectors_2/connectors3.tar.gz", null, List.of("a warning"),
            new MissedFiles(2, List.of(new MissedFiles.File("keys/private.key", "permission denied"))));
    private static final Job REJECTED = new Job("0b8f2d9e-7c41-4c1e-9a63-3f0c2a4e5d7b", null, null, JobType.RESTORE,
            "connectors", 9L, null, JobSource.HTTP, JobState.REJECTED, Instant.parse("2026-11-26T09:15:02Z"), null,
            Instant.parse("2026-11-26T09:15:02Z"), null, null, null,
            new JobError(org.aiod.backup.job.ErrorCode.NO_SUCH_CYCLE, "dataset 'connectors' has no cycle 9"), List.of(), null);

    @Test
    void theEventHasExactlyTheseFieldsInThisOrder() {
        for (Job job : List.of(PARTIAL, REJECTED)) {
            assertEquals(FIELDS, new ArrayList<>(publisher.body(job).fieldNames()), job.status().name());
        }
    }

    @Test
    void theEventJsonIsPinned() {
        assertEquals("{\"jobId\":\"3f0c2a4e-5d7b-4c1e-9a63-0b8f2d9e7c41\",\"requestId\":\"nightly-1\","
                + "\"type\":\"BACKUP\",\"dataset\":\"connectors\",\"cycle\":2,\"level\":3,\"source\":\"amqp\","
                + "\"status\":\"PARTIAL\",\"queuedAt\":\"2026-11-26T09:15:02.118204Z\","
                + "\"startedAt\":\"2026-11-26T09:15:02.120511Z\",\"finishedAt\":\"2026-11-26T09:15:09.734092Z\","
                + "\"files\":1342,\"bytes\":73400320,\"archive\":\"/backups/connectors/connectors_2/connectors3.tar.gz\","
                + "\"error\":null,\"warnings\":[\"a warning\"],\"missed\":{\"total\":2,\"files\":[{\"path\":"
                + "\"keys/private.key\",\"reason\":\"permission denied\"}]}}", publisher.body(PARTIAL).encode());
        assertEquals("{\"jobId\":\"0b8f2d9e-7c41-4c1e-9a63-3f0c2a4e5d7b\",\"requestId\":null,\"type\":\"RESTORE\","
                + "\"dataset\":\"connectors\",\"cycle\":9,\"level\":null,\"source\":\"http\",\"status\":\"REJECTED\","
                + "\"queuedAt\":\"2026-11-26T09:15:02Z\",\"startedAt\":null,\"finishedAt\":\"2026-11-26T09:15:02Z\","
                + "\"files\":null,\"bytes\":null,\"archive\":null,\"error\":{\"code\":\"NO_SUCH_CYCLE\",\"message\":"
                + "\"dataset 'connectors' has no cycle 9\"},\"warnings\":[],\"missed\":null}",
                publisher.body(REJECTED).encode());
    }

    @Test
    void theEventIsTheJournalRecordWithoutItsMessageId() throws Exception {
        for (Job job : List.of(PARTIAL, REJECTED)) {
            JsonObject record = new JsonObject(json.writeValueAsString(job));
            record.remove("messageId");
            assertEquals(record.encode(), publisher.body(job).encode());
            assertEquals(record.encode(), json.writeValueAsString(JobEvent.of(job)));
        }
    }
}
