package org.aiod.backup.engine;

import java.time.Duration;
import java.util.List;

/**
 * What a fetch from the off-site store brought into the backup root ({@link Engine#fetch}).
 *
 * @param dataset  the dataset
 * @param fetched  the levels downloaded, verified and landed, by cycle then level; empty when the local copy lacked
 *                 nothing the store has
 * @param lockWait how long the fetch waited for the dataset's lock
 */
public record FetchSummary(String dataset, List<Fetched> fetched, Duration lockWait) {

    /** Why a level was fetched. */
    public enum Reason {
        /** Its archive was not in the backup root. */
        MISSING,
        /** Its archive was there but failed its line of the local {@code SHA256SUMS}. */
        CORRUPT
    }

    /**
     * A level fetched.
     *
     * @param cycle  the cycle
     * @param level  the level
     * @param bytes  the size of its archive
     * @param reason why it was fetched
     */
    public record Fetched(long cycle, int level, long bytes, Reason reason) {
    }
}
