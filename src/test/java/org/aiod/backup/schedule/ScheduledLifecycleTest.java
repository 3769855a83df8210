package org.aiod.backup.schedule;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;

import io.quarkus.scheduler.Scheduler;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.job.Job;
import org.aiod.backup.job.JobService;
import org.aiod.backup.job.JobSource;
import org.aiod.backup.job.JobState;
import org.aiod.backup.job.JobType;
import org.junit.jupiter.api.Test;

/**
 * The verify schedule firing every second, and the prune that follows each successful scheduled backup
 * (keep-last=1, one level per cycle, backups every second), on roots of their own.
 */
@QuarkusTest
@TestProfile(ScheduledLifecycleTest.EverySecond.class)
class ScheduledLifecycleTest {

    public static class EverySecond implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("backup.schedule.cron", "* * * * * ?", "backup.verify.cron", "* * * * * ?",
                    "backup.verify.depth", "drill", "backup.retention.keep-last", "1", "backup.cycle-length", "1");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ScheduleTestRoots.class));
        }
    }

    @Inject
    JobService jobs;

    @Inject
    BackupConfig config;

    @Inject
    Scheduler schedulerService;

    @Test
    void theVerifyScheduleQueuesVerifiesOfEveryDatasetWithSourceSchedule() throws IOException {
        assertNotNull(schedulerService.getScheduledJob("verifies"), "the verify schedule has no trigger");
        Path dataset = config.dataRoot().resolve("gamma");
        Files.createDirectories(dataset);
        Files.writeString(dataset.resolve("g.txt"), "gamma\n");

        await().atMost(Duration.ofSeconds(90)).until(() -> jobs.list("gamma", null).stream()
                .anyMatch(j -> j.type() == JobType.VERIFY && j.source() == JobSource.SCHEDULE
                        && j.status() == JobState.SUCCEEDED && j.verify().levels() != null
                        && !j.verify().levels().isEmpty()));
        Job verify = jobs.list("gamma", JobState.SUCCEEDED).stream().filter(j -> j.type() == JobType.VERIFY
                && j.verify().levels() != null && !j.verify().levels().isEmpty()).findFirst().orElseThrow();
        assertEquals("drill", verify.verify().depth(), verify.toString());
        assertTrue(verify.verify().drill().passed(), verify.toString());
    }

    @Test
    void aSuccessfulScheduledBackupIsFollowedByAPruneThatRemovesTheOldCycle() throws IOException {
        Path dataset = config.dataRoot().resolve("delta");
        Files.createDirectories(dataset);
        Files.writeString(dataset.resolve("d.txt"), "delta\n");
        Path cycle0 = config.backupRoot().resolve("delta").resolve("delta_0");

        await().atMost(Duration.ofSeconds(90)).until(() -> prunes().stream()
                .anyMatch(j -> j.status() == JobState.SUCCEEDED && j.prune().removed().stream()
                        .anyMatch(r -> r.cycle() == 0)));
        Optional<Job> prune = prunes().stream().filter(j -> j.status() == JobState.SUCCEEDED
                && j.prune().removed().stream().anyMatch(r -> r.cycle() == 0)).findFirst();
        assertTrue(prune.isPresent());
        assertFalse(prune.get().prune().dryRunAsked());
        assertFalse(Files.exists(cycle0), "cycle 0 was reported removed but is still there");
        // every prune follows a successful scheduled backup: never more prunes than such backups
        long backups = jobs.list("delta", JobState.SUCCEEDED).stream()
                .filter(j -> j.type() == JobType.BACKUP && j.source() == JobSource.SCHEDULE).count();
        assertTrue(prunes().size() <= backups, prunes().size() + " prunes for " + backups + " backups");
    }

    private List<Job> prunes() {
        return jobs.list("delta", null).stream()
                .filter(j -> j.type() == JobType.PRUNE && j.source() == JobSource.SCHEDULE).toList();
    }
}
