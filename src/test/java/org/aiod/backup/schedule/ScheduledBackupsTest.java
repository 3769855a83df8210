package org.aiod.backup.schedule;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import org.aiod.backup.catalog.CycleEntry;
import org.aiod.backup.catalog.DatasetCatalog;
import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.engine.BackupSummary;
import org.aiod.backup.engine.Engine;
import org.aiod.backup.engine.EngineOptions;
import org.aiod.backup.engine.Phase;
import org.aiod.backup.engine.ProgressListener;
import org.aiod.backup.job.Job;
import org.aiod.backup.job.JobService;
import org.aiod.backup.job.JobSource;
import org.aiod.backup.job.JobState;
import org.aiod.backup.job.JobType;
import org.aiod.backup.schedule.BackupRound.Outcome;
import org.junit.jupiter.api.Test;

/** The schedule firing every second, on roots of its own: scheduled backups run, and a busy dataset is coalesced. */
@QuarkusTest
@TestProfile(ScheduledBackupsTest.EverySecond.class)
class ScheduledBackupsTest {

    public static class EverySecond implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("backup.schedule.cron", "* * * * * ?");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ScheduleTestRoots.class));
        }
    }

    @Inject
    BackupScheduler scheduler;

    @Inject
    JobService jobs;

    @Inject
    DatasetCatalog catalog;

    @Inject
    BackupConfig config;

    @Inject
    MeterRegistry registry;

    @Inject
    Scheduler schedulerService;

    @Test
    void scheduledBackupsRunThroughTheJobsAndWriteLevels() throws IOException {
        assertNotNull(schedulerService.getScheduledJob("backups"), "the schedule has no trigger");
        Path dataset = config.dataRoot().resolve("alpha");
        Files.createDirectories(dataset);
        Files.writeString(dataset.resolve("hello.txt"), "hello\n");

        await().atMost(Duration.ofSeconds(60)).until(() -> scheduled("alpha", JobState.SUCCEEDED).size() >= 2);

        List<Job> done = scheduled("alpha", JobState.SUCCEEDED);
        assertTrue(done.stream().allMatch(job -> job.type() == JobType.BACKUP && job.source().label().equals("schedule")
                && job.archive() != null && Files.isRegularFile(Path.of(job.archive()))), done.toString());
        assertEquals(List.of(), scheduled("alpha", JobState.FAILED));
        List<CycleEntry> cycles = catalog.cycles("alpha");
        assertTrue(!cycles.isEmpty() && cycles.get(0).cycle() == 0 && cycles.get(0).lastLevel() >= 1, cycles.toString());
    }

    @Test
    void aTriggerFindingTheScheduledBackupStillRunningCoalescesIt() throws Exception {
        Path dataset = config.dataRoot().resolve("busy");
        Files.createDirectories(dataset);
        Files.writeString(dataset.resolve("data.txt"), "busy\n");

        // hold the dataset's lock from here: a backup of our own that waits once it has the lock
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Engine holder = new Engine(EngineOptions.defaults(config.dataRoot(), config.backupRoot()));
        // a thread of its own: the common pool may have a single, busy thread on a small machine
        ExecutorService holderThread = Executors.newSingleThreadExecutor();
        CompletableFuture<BackupSummary> held = CompletableFuture.supplyAsync(() -> holder.backup("busy",
                new ProgressListener() {
                    @Override
                    public void phase(Phase phase) {
                        if (phase == Phase.LOCKED) {
                            locked.countDown();
                            try {
                                release.await(2, TimeUnit.MINUTES);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    }
                }), holderThread);
        String blocked;
        try {
            await().atMost(Duration.ofMinutes(1)).until(() -> locked.getCount() == 0 || held.isDone());
            if (held.isDone()) {
                held.join(); // our own backup failed: say why
            }
            // the next scheduled backup of 'busy' starts and waits for the lock
            await().atMost(Duration.ofSeconds(30)).until(() -> !scheduled("busy", JobState.RUNNING).isEmpty());
            blocked = scheduled("busy", JobState.RUNNING).get(0).jobId();
            double coalescedBefore = coalesced();

            BackupRound.Report first = scheduler.trigger();
            BackupRound.Report second = scheduler.trigger();

            // other datasets of this root may be coalesced too, or not: only 'busy' is certain
            assertTrue(first.datasets(Outcome.COALESCED).contains("busy"), first.toString());
            assertTrue(second.datasets(Outcome.COALESCED).contains("busy"), second.toString());
            assertTrue(jobs.hasUnfinished("busy", JobType.BACKUP, JobSource.SCHEDULE));
            assertTrue(coalesced() >= coalescedBefore + 2);
            // the schedule keeps firing every second meanwhile: still one scheduled backup, never a pile
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> unfinishedScheduled("busy") == 1);
        } finally {
            release.countDown();
            holderThread.shutdown();
        }
        held.get(1, TimeUnit.MINUTES);
        // the coalesced backup was not lost: the one that waited runs once the lock is free
        await().atMost(Duration.ofSeconds(60))
                .until(() -> jobs.find(blocked).map(Job::status).orElse(null) == JobState.SUCCEEDED);
        assertEquals(List.of(), scheduled("busy", JobState.FAILED));
    }

    private List<Job> scheduled(String dataset, JobState state) {
        return jobs.list(dataset, state).stream().filter(job -> job.source() == JobSource.SCHEDULE).toList();
    }

    private long unfinishedScheduled(String dataset) {
        return scheduled(dataset, JobState.QUEUED).size() + scheduled(dataset, JobState.RUNNING).size();
    }

    private double coalesced() {
        var counter = registry.find("backup.schedule.datasets").tag("outcome", "coalesced").counter();
        return counter == null ? 0 : counter.count();
    }
}
