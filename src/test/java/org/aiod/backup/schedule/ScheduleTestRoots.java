package org.aiod.backup.schedule;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Fresh data and backup roots of their own for the scheduler test: with a trigger every second, the schedule backs
 * up every dataset of its data root, and must not add levels to datasets other test classes count. A new directory
 * per run, so that two builds in one working tree do not trip over each other; runs older than an hour are swept.
 */
public class ScheduleTestRoots implements QuarkusTestResourceLifecycleManager {

    private static final Path PARENT = Path.of("target", "quarkus-test-schedule").toAbsolutePath();

    @Override
    public Map<String, String> start() {
        sweepOldRuns();
        Path run = PARENT.resolve("run-" + UUID.randomUUID());
        try {
            Files.createDirectories(run.resolve("data"));
            Files.createDirectories(run.resolve("backups"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("backup.data-root", run.resolve("data").toString(),
                "backup.backup-root", run.resolve("backups").toString());
    }

    @Override
    public void stop() {
    }

    private static void sweepOldRuns() {
        Instant cutoff = Instant.now().minus(Duration.ofHours(1));
        try (Stream<Path> runs = Files.list(PARENT)) {
            for (Path run : runs.toList()) {
                if (Files.getLastModifiedTime(run).toInstant().isBefore(cutoff)) {
                    try (Stream<Path> paths = Files.walk(run)) {
                        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                            Files.deleteIfExists(path);
                        }
                    }
                }
            }
        } catch (IOException e) {
            // nothing to sweep yet, or a run another build is using: best effort
        }
    }
}
