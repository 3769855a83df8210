package org.aiod.backup.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The readiness checks of the two roots, without Quarkus. A backup root that cannot be written is made by putting it
 * under a regular file: permissions would not stop the root user these tests may run as.
 */
class StorageChecksTest {

    @TempDir
    Path tmp;

    @Test
    void aWritableBackupRootIsUpAndKeepsNoProbeFile() throws IOException {
        HealthCheckResponse response = new BackupRootCheck(tmp, tmp.resolve(".aiod-backup")).call();

        assertEquals(HealthCheckResponse.Status.UP, response.getStatus());
        assertEquals("backup-root", response.getName());
        try (Stream<Path> left = Files.list(tmp.resolve(".aiod-backup"))) {
            assertEquals(List.of(), left.toList());
        }
    }

    @Test
    void aBackupRootUnderARegularFileIsDownAndSaysWhy() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "x");

        HealthCheckResponse response = new BackupRootCheck(file.resolve("backups"), file.resolve("backups/.aiod-backup"))
                .call();

        assertEquals(HealthCheckResponse.Status.DOWN, response.getStatus());
        String reason = (String) response.getData().orElseThrow().get("reason");
        assertTrue(reason.contains("does not exist"), reason);
    }

    @Test
    void aBackupRootWhoseStateDirectoryCannotBeCreatedIsDownAndSaysWhy() throws IOException {
        Files.writeString(tmp.resolve(".aiod-backup"), "a file where the state directory should be");

        HealthCheckResponse response = new BackupRootCheck(tmp, tmp.resolve(".aiod-backup")).call();

        assertEquals(HealthCheckResponse.Status.DOWN, response.getStatus());
        String reason = (String) response.getData().orElseThrow().get("reason");
        assertTrue(reason.contains("is not writable"), reason);
        assertEquals(tmp.toString(), response.getData().orElseThrow().get("path"));
    }

    @Test
    void aBackupRootThatIsAFileIsDown() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "x");

        HealthCheckResponse response = new BackupRootCheck(file, file.resolve(".aiod-backup")).call();

        assertEquals(HealthCheckResponse.Status.DOWN, response.getStatus());
        assertTrue(((String) response.getData().orElseThrow().get("reason")).contains("is not a directory"));
    }

    @Test
    void aListableDataRootIsUp() throws IOException {
        Files.createDirectories(tmp.resolve("data/connectors"));

        HealthCheckResponse response = new DataRootCheck(tmp.resolve("data")).call();

        assertEquals(HealthCheckResponse.Status.UP, response.getStatus());
        assertEquals("data-root", response.getName());
    }

    @Test
    void aMissingDataRootIsDownAndSaysWhy() {
        HealthCheckResponse response = new DataRootCheck(tmp.resolve("missing")).call();

        assertEquals(HealthCheckResponse.Status.DOWN, response.getStatus());
        assertTrue(((String) response.getData().orElseThrow().get("reason")).contains("does not exist"));
    }

    @Test
    void aDataRootThatIsAFileIsDownAndSaysWhy() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "x");

        HealthCheckResponse response = new DataRootCheck(file).call();

        assertEquals(HealthCheckResponse.Status.DOWN, response.getStatus());
        assertTrue(((String) response.getData().orElseThrow().get("reason")).contains("is not a directory"));
    }
    @Test
    void aWritableJournalIsUpAndKeepsNoProbeFile() throws IOException {
        Path journal = Files.createDirectories(tmp.resolve(".aiod-backup/jobs"));

        HealthCheckResponse response = new JournalCheck(journal).call();

        assertEquals(HealthCheckResponse.Status.UP, response.getStatus());
        assertEquals("journal", response.getName());
        try (Stream<Path> left = Files.list(journal)) {
            assertEquals(List.of(), left.toList());
        }
    }

    @Test
    void aMissingJournalIsDownAndSaysWhy() {
        HealthCheckResponse response = new JournalCheck(tmp.resolve(".aiod-backup/jobs")).call();

        assertEquals(HealthCheckResponse.Status.DOWN, response.getStatus());
        String reason = (String) response.getData().orElseThrow().get("reason");
        assertTrue(reason.contains("job journal") && reason.contains("does not exist"), reason);
    }

    @Test
    void aJournalThatIsAFileIsDownAndSaysWhy() throws IOException {
        Files.createDirectories(tmp.resolve(".aiod-backup"));
        Path file = Files.writeString(tmp.resolve(".aiod-backup/jobs"), "x");

        HealthCheckResponse response = new JournalCheck(file).call();

        assertEquals(HealthCheckResponse.Status.DOWN, response.getStatus());
        assertTrue(((String) response.getData().orElseThrow().get("reason")).contains("is not a directory"));
    }
}
