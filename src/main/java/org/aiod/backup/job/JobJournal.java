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
 */
final class JobJournal implements JobStore {

    private static final Logger LOG = Logger.getLogger(JobJournal.class);

    private final Path dir;
    private final ObjectMapper json;
    private final int keepFinished;
    private final LinkedHashMap<String, Job> byId = new LinkedHashMap<>();
    private final Map<String, String> idByRequestId = new HashMap<>();
    private final Map<String, String> idByMessageId = new HashMap<>();

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
                    Files.deleteIfExists(file);
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
