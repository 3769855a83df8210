package org.aiod.backup.health;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.aiod.backup.config.BackupConfig;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Readiness: the data root exists, is a directory and can be listed. Only its first entry is read. */
@Readiness
@Singleton
public class DataRootCheck implements HealthCheck {

    static final String NAME = "data-root";

    private final Path dataRoot;

    @Inject
    DataRootCheck(BackupConfig config) {
        this(config.dataRoot());
    }

    DataRootCheck(Path dataRoot) {
        this.dataRoot = dataRoot.toAbsolutePath().normalize();
    }

    @Override
    public HealthCheckResponse call() {
        String problem = problem();
        var builder = HealthCheckResponse.named(NAME).status(problem == null).withData("path", dataRoot.toString());
        if (problem != null) {
            builder.withData("reason", problem);
        }
        return builder.build();
    }

    /** Why the data root is not readable, or {@code null} when it is. */
    String problem() {
        if (!Files.exists(dataRoot)) {
            return "data root " + dataRoot + " does not exist";
        }
        if (!Files.isDirectory(dataRoot)) {
            return "data root " + dataRoot + " is not a directory";
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dataRoot)) {
            entries.iterator().hasNext();
            return null;
        } catch (IOException | SecurityException | java.nio.file.DirectoryIteratorException e) {
            return "data root " + dataRoot + " cannot be listed: " + e;
        }
    }
}
