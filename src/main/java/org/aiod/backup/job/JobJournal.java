package org.aiod.backup.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.jboss.logging.Logger;

/**
 * Every job's latest state, one JSON file per job under {@code <backup-root>/.aiod-backup/jobs/}, written to a
 * temporary name, synced and renamed, so a crash leaves each file either old or new. Loaded whole at start-up;
 * finished jobs beyond the configured number are pruned, oldest first.
 * <p>
 * Several processes share the directory: the service and one-shot command lines ({@link #standalone}), which write
 * each of their jobs once, final. Each job has a file of its own, named by its random id and written by the one
 * process that runs it, and readers see a file whole or not at all (the rename), so writers never clash; a
 * temporary file is removed at load only once it is older than any write takes ({@link #STALE_TEMPORARY}), never
 * another process's write in progress. The service picks up what other processes wrote with {@link #refresh}.
 */
final class JobJournal implements JobStore {

    private static final Logger LOG = Logger.getLogger(JobJournal.class);

    private final Path dir;
    private final ObjectMapper json;
    private final int keepFinished;
    private final LinkedHashMap<String, Job> byId = new LinkedHashMap<>();
    private final Map<String, String> idByRequestId = new HashMap<>();
    private final Map<String, String> idByMessageId = new HashMap<>();
    /** Ids pruned from the index, whose file may outlive a failed delete: never picked up again. */
    private final java.util.Set<String> forgotten = new java.util.HashSet<>();
    /** Journal files {@link #refresh} could not read, warned about once. */
    private final java.util.Set<String> unreadable = new java.util.HashSet<>();

    /** A temporary file older than this is a killed writer's; a younger one may be a write in progress. */
    static final java.time.Duration STALE_TEMPORARY = java.time.Duration.ofMinutes(10);

    JobJournal(Path dir, ObjectMapper json, int keepFinished) {
        this.dir = dir;
        this.json = json;
        this.keepFinished = keepFinished;
    }

    /** Reads every job file; unreadable ones are logged and skipped, never fatal. */
    @Override
    public synchronized List<Job> load() throws IOException {
        Files.createDirectories(dir);
        List<Job> jobs = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(".tmp")) {
                    if (isStale(file)) {
                        Files.deleteIfExists(file);
                    }
                } else if (name.endsWith(".json")) {
                    try {
                        jobs.add(json.readValue(file.toFile(), Job.class));
                    } catch (IOException e) {
                        LOG.warnf("skipping unreadable journal entry %s: %s", file, e.getMessage());
                    }
                }
            }
        }
        jobs.sort(Comparator.comparing(Job::queuedAt));
        jobs.forEach(this::index);
        return jobs;
    }

    /**
     * The journal of a process that is not the service (the one-shot command line): it writes its jobs into the
     * service's journal directory, created when missing, as the service's own JSON mapper writes them, and never
     * loads nor prunes what others wrote.
     */
    static JobJournal standalone(Path dir, int keepFinished) {
        ObjectMapper json = com.fasterxml.jackson.databind.json.JsonMapper.builder().findAndAddModules()
                .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
        return new JobJournal(dir, json, keepFinished);
    }

    /**
     * The jobs other processes ended since the last load or refresh (files of ids this journal has not indexed, whose
     * job is final), oldest first; they are indexed, and the finished beyond the number kept pruned, as if saved
     * here. A job another process is still running is left until its file says it has ended.
     */
    @Override
    public synchronized List<Job> refresh() {
        List<Job> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String id = name.substring(0, name.length() - ".json".length());
                if (byId.containsKey(id) || forgotten.contains(id) || unreadable.contains(name)) {
                    continue;
                }
                try {
                    Job job = json.readValue(file.toFile(), Job.class);
                    if (job.status().isFinal()) {
                        found.add(job);
                    }
                    // else still running in the other process: taken once it has ended, when its file says so
                    // (indexed now, the job would never be read again, and its end never told)
                } catch (java.nio.file.NoSuchFileException | java.io.FileNotFoundException e) {
                    // pruned by its writer between the listing and the read
                } catch (IOException e) {
                    unreadable.add(name);
                    LOG.warnf("skipping unreadable journal entry %s: %s", file, e.getMessage());
                }
            }
        } catch (java.nio.file.NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            LOG.warnf("cannot look for jobs other processes wrote into the journal %s: %s", dir, e.getMessage());
            return List.of();
        }
        if (found.isEmpty()) {
            return List.of();
        }
        found.sort(Comparator.comparing(Job::queuedAt));
        // the index stays in the order jobs were queued, which listing (newest first) and pruning (oldest) rely on
        List<Job> all = new ArrayList<>(byId.values());
        all.addAll(found);
        all.sort(Comparator.comparing(Job::queuedAt));
        byId.clear();
        all.forEach(this::index);
        prune();
        return found;
    }

    private static boolean isStale(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant()
                    .isBefore(java.time.Instant.now().minus(STALE_TEMPORARY));
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public synchronized void save(Job job) {
        try {
            Path tmp = dir.resolve(job.jobId() + ".json.tmp");
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(java.nio.ByteBuffer.wrap(json.writeValueAsBytes(job)));
                channel.force(true);
            }
            Files.move(tmp, dir.resolve(job.jobId() + ".json"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write job " + job.jobId() + " to the journal in " + dir, e);
        }
        index(job);
        prune();
    }

    @Override
    public synchronized Optional<Job> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public synchronized Optional<Job> findByRequestId(String requestId) {
        return Optional.ofNullable(idByRequestId.get(requestId)).map(byId::get);
    }

    @Override
    public synchronized Optional<Job> findByMessageId(String messageId) {
        return Optional.ofNullable(idByMessageId.get(messageId)).map(byId::get);
    }

    @Override
    public synchronized List<Job> list(Predicate<Job> filter) {
        List<Job> jobs = new ArrayList<>();
        byId.values().forEach(job -> {
            if (filter.test(job)) {
                jobs.add(job);
            }
        });
        java.util.Collections.reverse(jobs);
        return jobs;
    }

    private void index(Job job) {
        byId.put(job.jobId(), job);
        if (job.requestId() != null) {
            idByRequestId.put(job.requestId(), job.jobId());
        }
        if (job.messageId() != null) {
            idByMessageId.put(job.messageId(), job.jobId());
        }
    }

    private void prune() {
        long finished = byId.values().stream().filter(j -> j.status().isFinal()).count();
        var it = byId.values().iterator();
        while (finished > keepFinished && it.hasNext()) {
            Job oldest = it.next();
            if (!oldest.status().isFinal()) {
                continue;
            }
            it.remove();
            forgotten.add(oldest.jobId());
            finished--;
            if (oldest.requestId() != null) {
                idByRequestId.remove(oldest.requestId(), oldest.jobId());
            }
            if (oldest.messageId() != null) {
                idByMessageId.remove(oldest.messageId(), oldest.jobId());
            }
            try {
                Files.deleteIfExists(dir.resolve(oldest.jobId() + ".json"));
                if (oldest.plan() != null) {
                    PlanFiles.remove(PlanFiles.beside(dir), oldest.jobId());
                }
            } catch (IOException e) {
                LOG.warnf("cannot prune journal entry %s: %s", oldest.jobId(), e.getMessage());
            }
        }
    }
}
