package org.aiod.backup.health;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.aiod.backup.config.BackupConfig;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: the backup root is writable, proven by creating, writing and deleting a probe file in the state directory
 * ({@code backup.state-dir}, by default {@code <backup-root>/.aiod-backup/}, on the backup root's file system). The
 * backup root itself is never created here: a volume that is not mounted must show as down, not be papered over with
 * a directory on the container's own disk.
 */
@Readiness
@Singleton
public class BackupRootCheck implements HealthCheck {

    static final String NAME = "backup-root";

    private final Path backupRoot;
    private final Path stateDir;

    @Inject
    BackupRootCheck(BackupConfig config) {
        this(config.backupRoot(), config.stateDir());
    }

    BackupRootCheck(Path backupRoot, Path stateDir) {
        this.backupRoot = backupRoot.toAbsolutePath().normalize();
        this.stateDir = stateDir.toAbsolutePath().normalize();
    }

    @Override
    public HealthCheckResponse call() {
        return WriteProbe.response(NAME, backupRoot, problem());
    }

    /** Why the backup root is not writable, or {@code null} when it is. */
    String problem() {
        if (!Files.isDirectory(backupRoot)) {
            return Files.exists(backupRoot) ? "backup root " + backupRoot + " is not a directory"
                    : "backup root " + backupRoot + " does not exist";
        }
        String failure;
        try {
            Files.createDirectories(stateDir);
            failure = WriteProbe.failure(stateDir, ".probe");
        } catch (IOException | SecurityException e) {
            failure = e.toString();
        }
        return failure == null ? null : "backup root " + backupRoot + " is not writable: cannot create and delete a"
                + " file in " + stateDir + ": " + failure;
    }
}
