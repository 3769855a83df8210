package org.aiod.backup.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal shared by processes (issue #12, point 3): the service and a command line write it at once, the service
 * loading it again meanwhile (a restart), and every job of both is there, readable, afterwards; the service picks up
 * the other process's jobs without a restart ({@link JobJournal#refresh}), each once.
 */
class JournalConcurrencyTest {

    private static final int EACH = 150;

    @TempDir
    Path tmp;

    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    static Job finishedJob(String requestId, Instant at) {
        Job queued = Job.queued(JobCommand.backup("x", requestId, JobSource.CLI), at);
        return queued.started(at).succeeded(at, 0, 0, 1, 1, "x0.tar.gz", List.of());
    }

    /** A job the other process is still running is taken when it has ended, not before, and then once. */
    @Test
    void aJobRunningInAnotherProcessIsTakenOnceItHasEnded() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("jobs"));
        JobJournal service = new JobJournal(dir, json, 1000);
        service.load();
        JobJournal other = JobJournal.standalone(dir, 1000);
        Job running = Job.queued(JobCommand.backup("x", "cli-running", JobSource.CLI), Instant.now())
                .started(Instant.now());
        other.save(running);

        assertTrue(service.refresh().isEmpty(), "still running over there");

        other.save(running.succeeded(Instant.now(), 0, 0, 1, 1, "x0.tar.gz", List.of()));
        List<Job> ended = service.refresh();
        assertEquals(List.of(JobState.SUCCEEDED), ended.stream().map(Job::status).toList());
        assertEquals("cli-running", ended.get(0).requestId());
        assertTrue(service.refresh().isEmpty(), "taken once");
    }

    @Test
    void twoProcessesWritingAtOnceLeaveEveryEntryReadableAndTheServiceSeesTheOthersEachOnce() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("jobs"));
        JobJournal service = new JobJournal(dir, json, 1000);
        service.load();
        Process other = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), JournalWriterMain.class.getName(), dir.toString(),
                String.valueOf(EACH), "cli-").redirectErrorStream(true).start();
        List<Job> picked = new ArrayList<>();
        for (int i = 0; i < EACH; i++) {
            service.save(finishedJob("service-" + i, Instant.now()));
            // a restart of the service meanwhile: its load must not take the other process's write in progress
            new JobJournal(dir, json, 1000).load();
            picked.addAll(service.refresh());
        }
        String output = new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, other.waitFor(), output);
        picked.addAll(service.refresh());
        assertTrue(service.refresh().isEmpty(), "nothing new");

        Set<String> expected = new TreeSet<>();
        for (int i = 0; i < EACH; i++) {
            expected.add("service-" + i);
            expected.add("cli-" + i);
        }
        List<Job> reloaded = new JobJournal(dir, json, 1000).load();
        assertEquals(expected, reloaded.stream().map(Job::requestId).collect(Collectors.toCollection(TreeSet::new)));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(2 * EACH, files.filter(f -> f.toString().endsWith(".json")).count(),
                    "one file per job, no temporary file left");
        }
        assertEquals(EACH, picked.size(), "each of the other process's jobs picked up once");
        assertTrue(picked.stream().allMatch(j -> j.requestId().startsWith("cli-")));
        assertEquals(2 * EACH, service.list(j -> true).size());
    }

    @Test
    void aLoadLeavesAFreshTemporaryFileAloneAndRemovesAStaleOne() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("jobs"));
        Path fresh = Files.writeString(dir.resolve("a.json.tmp"), "{");
        Path stale = Files.writeString(dir.resolve("b.json.tmp"), "{");
        Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.from(
                Instant.now().minus(JobJournal.STALE_TEMPORARY).minusSeconds(60)));

        new JobJournal(dir, json, 1000).load();

        assertTrue(Files.exists(fresh), "another process's write in progress");
        assertTrue(Files.notExists(stale), "a killed writer's");
    }
}
