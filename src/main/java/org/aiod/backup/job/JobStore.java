package org.aiod.backup.job;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Where jobs are kept, each under its id with its latest state (JobRunr's storage provider is the model). The job
 * service reads and writes jobs only through this; {@link JobJournal} keeps them as files under the backup root.
 */
public interface JobStore {

    /** Reads what an earlier process stored; called once, before anything else. Returns the jobs, oldest first. */
    List<Job> load() throws IOException;

    /** Stores {@code job} as its id's latest state; once it returns, a restart finds it. */
    void save(Job job);

    Optional<Job> find(String jobId);

    Optional<Job> findByRequestId(String requestId);

    Optional<Job> findByMessageId(String messageId);

    /** Jobs matching {@code filter}, newest first. */
    List<Job> list(Predicate<Job> filter);

    /**
     * Picks up the jobs other processes sharing the store (the one-shot command line) stored since the last look,
     * and returns them, oldest first; a store nobody else writes returns none.
     */
    default List<Job> refresh() {
        return List.of();
    }
}
