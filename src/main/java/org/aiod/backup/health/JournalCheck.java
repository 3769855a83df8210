package org.aiod.backup.health;

import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.aiod.backup.config.BackupConfig;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: the job journal ({@code <state-dir>/jobs}, where every accepted command is recorded
 * before it is answered) is writable, proven by creating, writing and deleting a probe file in it. The directory is
 * created at start-up by the job service; it is not created here, so that a journal directory lost or made
 * read-only shows as down.
 */
@Readiness
@Singleton
public class JournalCheck implements HealthCheck {

    static final String NAME = "journal";

    private final Path journal;

    @Inject
    JournalCheck(BackupConfig config) {
        this(config.journalDir());
    }

    JournalCheck(Path journal) {
        this.journal = journal.toAbsolutePath().normalize();
    }

    @Override
    public HealthCheckResponse call() {
        return WriteProbe.response(NAME, journal, problem());
    }

    /** Why the journal is not writable, or {@code null} when it is. */
    String problem() {
        if (!Files.isDirectory(journal)) {
            return "job journal " + journal + (Files.exists(journal) ? " is not a directory" : " does not exist");
        }
        // *.tmp: never read as a job, and deleted by the journal at start-up should a crash leave it behind
        String failure = WriteProbe.failure(journal, ".tmp");
        return failure == null ? null
                : "job journal " + journal + " is not writable: cannot create and delete a file in it: " + failure;
    }
}
