package org.aiod.backup.job;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.config.EngineProducer;
import org.aiod.backup.engine.Phase;
import org.aiod.backup.engine.ProgressListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * The job service on its own, without Quarkus: a real runner and engine over temporary data and backup roots, the
 * real file journal, and an event sink and a listener that record what they are told. A job of dataset
 * {@value #GATED} waits for the test to open its gate once it runs, so that a queue can be held full.
 */
class JobServiceTest {

    static final String GATED = "gated";
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private final RecordingSink sink = new RecordingSink();
    private final RecordingListener listener = new RecordingListener();
    private final CountDownLatch gateEntered = new CountDownLatch(1);
    private final CountDownLatch gate = new CountDownLatch(1);
    private final List<JobService> services = new ArrayList<>();
    private JobDispatcher dispatcher;

    @AfterEach
    void stop() {
        gate.countDown();
        services.forEach(s -> s.stop(null));
    }

    @Test
    void aKnownRequestIdOrMessageIdIsAnsweredByItsJobWithoutRunningAgain() throws Exception {
        JobService jobs = started(2, 10, "a");
        Job first = done(jobs.submit(JobCommand.backup("a", "req-1", JobSource.HTTP)));
        assertEquals(JobState.SUCCEEDED, first.status());

        Submission again = jobs.submit(JobCommand.backup("a", "req-1", JobSource.HTTP));
        assertTrue(again.existing());
        assertEquals(first, again.job());
        assertEquals(first, again.done().toCompletableFuture().get(30, TimeUnit.SECONDS));
        assertEquals(List.of(first, first), sink.published(), "the recorded result is published again");

        Job byMessage = done(jobs.submit(JobCommand.backup("a", null, JobSource.AMQP).withMessageId("m-1")));
        Submission redelivered = jobs.submit(JobCommand.backup("a", null, JobSource.AMQP).withMessageId("m-1"));
        assertTrue(redelivered.existing());
        assertEquals(byMessage.jobId(), redelivered.job().jobId());

        // two backups ran, not four: levels 0 and 1 of cycle 0, and two started transitions
        assertEquals(List.of(0, 1), List.of(first.level(), byMessage.level()));
        assertEquals(2, listener.count("started"));
        assertEquals(1, org.aiod.backup.catalog.DatasetCatalog.standalone(config(1, 1)).cycles("a").get(0).lastLevel());
    }

    @Test
    void aRequestIdOfARunningJobIsAnsweredByTheSameCompletion() throws Exception {
        JobService jobs = started(2, 10, GATED);
        Submission running = jobs.submit(JobCommand.backup(GATED, "req-g", JobSource.HTTP));
        assertTrue(gateEntered.await(30, TimeUnit.SECONDS));
        Submission again = jobs.submit(JobCommand.backup(GATED, "req-g", JobSource.HTTP));
        assertTrue(again.existing());
        assertEquals(running.job().jobId(), again.job().jobId());
        assertFalse(again.done().toCompletableFuture().isDone());
        gate.countDown();
        Job finished = again.done().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(JobState.SUCCEEDED, finished.status());
        assertEquals(finished, done(running));
        assertEquals(List.of(finished), sink.published(), "one job, one event");
    }

    @Test
    void anInvalidCommandIsRejectedJournaledToldAndPublished() throws Exception {
        JobService jobs = started(2, 10, "a");
        Submission rejected = jobs.submit(JobCommand.backup("nope", "req-x", JobSource.HTTP));
        assertEquals(JobState.REJECTED, rejected.job().status());
        assertEquals("UNKNOWN_DATASET", rejected.job().error().code());
        assertEquals(rejected.job(), done(rejected));
        assertEquals(List.of(rejected.job()), sink.published());
        assertEquals(List.of("rejected " + rejected.job().jobId() + " REJECTED"), listener.events());
        // on disk: a restarted journal answers the request id with the rejection
        JobJournal reloaded = journal();
        reloaded.load();
        assertEquals(rejected.job(), reloaded.findByRequestId("req-x").orElseThrow());
        assertEquals(0, jobs.queueDepth());
    }

    @Test
    void jobsOfOneDatasetRunOneAfterAnotherInArrivalOrderAndListenersSeeEveryTransition() throws Exception {
        JobService jobs = started(2, 10, "a");
        List<Submission> submitted = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            submitted.add(jobs.submit(JobCommand.backup("a", "order-" + i, JobSource.HTTP)));
        }
        List<Job> finished = new ArrayList<>();
        for (Submission s : submitted) {
            finished.add(done(s));
        }
        assertEquals(List.of(0, 1, 2), finished.stream().map(Job::level).toList(), "levels in arrival order");
        for (int i = 1; i < 3; i++) {
            assertFalse(finished.get(i).startedAt().isBefore(finished.get(i - 1).finishedAt()),
                    "job " + i + " started before job " + (i - 1) + " finished");
        }
        List<String> expected = new ArrayList<>();
        submitted.forEach(s -> expected.add("queued " + s.job().jobId() + " QUEUED"));
        finished.forEach(j -> {
            expected.add("started " + j.jobId() + " RUNNING");
            expected.add("finished " + j.jobId() + " SUCCEEDED");
        });
        await().atMost(WAIT).until(() -> listener.events().size() == expected.size());
        List<String> seen = listener.events();
        assertEquals(expected.subList(3, 9), seen.stream().filter(e -> !e.startsWith("queued")).toList());
        assertEquals(expected.subList(0, 3), seen.stream().filter(e -> e.startsWith("queued")).toList());
        assertTrue(seen.indexOf(expected.get(0)) < seen.indexOf(expected.get(3)), "queued before started");
    }

    @Test
    void aFullQueueRefusesAndAwaitCapacityCompletesWhenAWorkerTakesAJob() throws Exception {
        JobService jobs = started(1, 1, GATED, "b", "c");
        Submission gated = jobs.submit(JobCommand.backup(GATED, null, JobSource.HTTP));
        assertTrue(gateEntered.await(30, TimeUnit.SECONDS), "the only worker runs the gated job");
        assertEquals(0, jobs.queueDepth());
        assertTrue(jobs.awaitCapacity().toCompletableFuture().isDone());

        Submission waiting = jobs.submit(JobCommand.backup("b", null, JobSource.HTTP));
        assertEquals(1, jobs.queueDepth());
        CompletableFuture<Void> room = jobs.awaitCapacity().toCompletableFuture();
        assertFalse(room.isDone());
        QueueFullException full = assertThrows(QueueFullException.class,
                () -> jobs.submit(JobCommand.backup("c", "refused", JobSource.HTTP)));
        assertEquals(1, full.capacity());
        assertTrue(jobs.list("c", null).isEmpty(), "a refused command leaves no job");
        assertTrue(jobs.hasUnfinished("b", JobType.BACKUP, JobSource.HTTP));

        gate.countDown();
        room.get(30, TimeUnit.SECONDS);
        assertEquals(JobState.SUCCEEDED, done(gated).status());
        assertEquals(JobState.SUCCEEDED, done(waiting).status());
        assertEquals(0, jobs.queueDepth());
        await().atMost(WAIT).until(() -> !jobs.hasUnfinished("b", JobType.BACKUP, JobSource.HTTP));
    }

    @Test
    void aJobRunningWhenTheProcessDiedEndsInterruptedAndAQueuedOneRuns() throws Exception {
        createDatasets("a");
        JobJournal before = journal();
        before.load();
        Job wasRunning = Job.queued(JobCommand.backup("a", "was-running", JobSource.AMQP),
                Instant.parse("2026-11-26T01:00:00Z")).started(Instant.parse("2026-11-26T01:00:01Z"));
        Job wasQueued = Job.queued(JobCommand.backup("a", "was-queued", JobSource.HTTP),
                Instant.parse("2026-11-26T01:00:02Z"));
        before.save(wasRunning);
        before.save(wasQueued);

        JobService jobs = service(2, 10, () -> Map.of("a", List.of("a3.tar.gz.part")));
        jobs.recover();
        Job interrupted = jobs.find(wasRunning.jobId()).orElseThrow();
        assertEquals(JobState.FAILED, interrupted.status());
        assertEquals("INTERRUPTED", interrupted.error().code());
        assertEquals(JobService.interruptedMessage(List.of("a3.tar.gz.part")), interrupted.error().message());
        assertNotNull(interrupted.finishedAt());
        assertEquals(List.of("finished " + wasRunning.jobId() + " FAILED",
                "loaded [" + wasQueued.jobId() + " QUEUED, " + wasRunning.jobId() + " FAILED]"), listener.events());
        assertTrue(sink.published().isEmpty(), "no event before the event channel is wired");
        assertFalse(jobs.isStarted());

        jobs.open();
        assertTrue(jobs.isStarted());
        await().atMost(WAIT).until(() -> sink.published().size() == 2);
        assertEquals(interrupted, sink.published().get(0));
        Job ran = sink.published().get(1);
        assertEquals(wasQueued.jobId(), ran.jobId());
        assertEquals(JobState.SUCCEEDED, ran.status());
        // the same command arriving again (its message redelivered) is answered from the journal
        Submission redelivered = jobs.submit(JobCommand.backup("a", "was-running", JobSource.AMQP));
        assertTrue(redelivered.existing());
        assertEquals(interrupted, redelivered.job());
    }

    @Test
    void theEngineProgressOfARunningBackupReachesTheSinkAsJobProgress() throws Exception {
        JobService jobs = started(2, 10, "a");
        Job backup = done(jobs.submit(JobCommand.backup("a", null, JobSource.HTTP)));
        List<JobProgress> progress = sink.progress();
        assertFalse(progress.isEmpty());
        assertTrue(progress.stream().allMatch(p -> p.jobId().equals(backup.jobId()) && p.dataset().equals("a")
                && p.type() == JobType.BACKUP));
        List<Phase> phases = progress.stream().map(JobProgress::phase).distinct().toList();
        assertEquals(List.of(Phase.LOCKED, Phase.DIRECTORIES_WRITTEN, Phase.FILES_WRITTEN, Phase.ARCHIVE_SYNCED,
                Phase.ARCHIVE_COMMITTED, Phase.CHECKSUMS_WRITTEN, Phase.SNAPSHOT_COMMITTED), phases);
        JobProgress last = progress.get(progress.size() - 1);
        assertEquals(backup.files(), last.filesDone());
        assertEquals(backup.bytes(), last.bytesDone());
        // the totals are known once the walk ended, before the first file is read, and they are an estimate
        JobProgress firstFile = progress.stream().filter(p -> p.filesDone() == 1).findFirst().orElseThrow();
        assertEquals(backup.files(), firstFile.filesTotal());
        assertEquals(backup.bytes(), firstFile.bytesTotal());
        assertTrue(firstFile.estimated());
        assertEquals(null, progress.get(0).filesTotal(), "no total when the lock is taken, before the walk");
        assertEquals(Long.valueOf(0), last.etaSeconds(), "nothing left at the end: " + last);
    }

    @Test
    void aRunningJobsLastProgressIsKeptUntilItEnds() throws Exception {
        JobService jobs = started(1, 10, GATED);
        Job queued = jobs.submit(JobCommand.backup(GATED, null, JobSource.HTTP)).job();
        assertTrue(gateEntered.await(30, TimeUnit.SECONDS));
        JobProgress running = jobs.progress(queued.jobId()).orElseThrow();
        assertEquals(Phase.LOCKED, running.phase());
        assertEquals(GATED, running.dataset());
        assertNull(running.filesTotal(), "no total before the walk ended");
        assertNull(running.etaSeconds());
        gate.countDown();
        await().atMost(WAIT).until(() -> jobs.find(queued.jobId()).orElseThrow().status().isFinal());
        await().atMost(WAIT).until(() -> jobs.progress(queued.jobId()).isEmpty());
    }

    // --- fixtures

    private JobService started(int workers, int capacity, String... datasets) throws Exception {
        createDatasets(datasets);
        JobService jobs = service(workers, capacity, null);
        jobs.recover();
        jobs.open();
        assertEquals(List.of("loaded []"), listener.events());
        listener.clear();
        return jobs;
    }

    private JobService service(int workers, int capacity, LeftoverCleanup leftovers) {
        BackupConfig config = config(workers, capacity);
        dispatcher = new JobDispatcher(config.workers(), config.queueCapacity());
        JobService jobs = new JobService(new GatedRunner(config), journal(), dispatcher, sink, leftovers,
                List.of(listener));
        services.add(jobs);
        return jobs;
    }

    private JobJournal journal() {
        return new JobJournal(tmp.resolve("backups/.aiod-backup/jobs"), json, 100);
    }

    private BackupConfig config(int workers, int capacity) {
        // the default interceptors expand ${backup.backup-root} in the state directory's default: without them the
        // engine's locks went to a directory of that literal name in the working directory
        return new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .withMapping(BackupConfig.class)
                .withConverter(Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withDefaultValues(Map.of("backup.data-root", tmp.resolve("data").toString(),
                        "backup.backup-root", tmp.resolve("backups").toString(),
                        "backup.workers", String.valueOf(workers),
                        "backup.queue-capacity", String.valueOf(capacity)))
                .withValidateUnknown(false)
                .build().getConfigMapping(BackupConfig.class);
    }

    private void createDatasets(String... names) throws Exception {
        for (String name : names) {
            Path dir = Files.createDirectories(tmp.resolve("data").resolve(name));
            Files.writeString(dir.resolve("one.txt"), "first file of " + name + "\n");
            Files.writeString(dir.resolve("two.txt"), "second file\n");
            Files.writeString(Files.createDirectories(dir.resolve("sub")).resolve("three.txt"), "third\n");
        }
        Files.createDirectories(tmp.resolve("backups"));
    }

    private static Job done(Submission submission) throws Exception {
        return submission.done().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** The real runner and engine; a job of {@value #GATED} waits, once running, until the test opens the gate. */
    private final class GatedRunner extends JobRunner {
        GatedRunner(BackupConfig config) {
            this(EngineProducer.create(config), config);
        }

        private GatedRunner(org.aiod.backup.engine.Engine engine, BackupConfig config) {
            super(engine, org.aiod.backup.catalog.DatasetCatalog.of(engine, config), config, null);
        }

        @Override
        Job run(Job job, ProgressListener progress) {
            if (GATED.equals(job.dataset())) {
                // a running job that reported a step: what GET /api/jobs/{id} shows while it waits at the gate
                progress.phase(Phase.LOCKED);
                gateEntered.countDown();
                try {
                    if (!gate.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the test never opened the gate");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            return super.run(job, progress);
        }
    }

    /** Accepts every event at once and keeps them, with every progress report. */
    private static final class RecordingSink implements JobEventSink {
        private final List<Job> published = Collections.synchronizedList(new ArrayList<>());
        private final List<JobProgress> progress = Collections.synchronizedList(new ArrayList<>());

        @Override
        public CompletionStage<Void> publish(Job job) {
            published.add(job);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void progress(JobProgress p) {
            progress.add(p);
        }

        List<Job> published() {
            synchronized (published) {
                return List.copyOf(published);
            }
        }

        List<JobProgress> progress() {
            synchronized (progress) {
                return List.copyOf(progress);
            }
        }
    }

    /** Keeps every transition as "kind jobId STATE". */
    private static final class RecordingListener implements JobListener {
        private final List<String> events = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void loaded(List<Job> jobs) {
            events.add("loaded " + jobs.stream().map(j -> j.jobId() + " " + j.status()).toList());
        }

        @Override
        public void queued(Job job) {
            add("queued", job);
        }

        @Override
        public void started(Job job) {
            add("started", job);
        }

        @Override
        public void finished(Job job) {
            add("finished", job);
        }

        @Override
        public void rejected(Job job) {
            add("rejected", job);
        }

        private void add(String kind, Job job) {
            events.add(kind + " " + job.jobId() + " " + job.status());
        }

        List<String> events() {
            synchronized (events) {
                return List.copyOf(events);
            }
        }

        void clear() {
            events.clear();
        }

        long count(String kind) {
            return events().stream().filter(e -> e.startsWith(kind + " ")).count();
        }
    }
}
