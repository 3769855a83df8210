package org.aiod.backup.job;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * One page of the journal's jobs, newest first, and where the next page starts.
 *
 * @param jobs       the jobs of this page
 * @param nextCursor the cursor of the next page; {@code null} when this page is the last
 */
public record JobPage(List<Job> jobs, String nextCursor) {

    /** The most jobs one page answers. */
    public static final int MAX_LIMIT = 1000;
    /** How many jobs a page answers when the caller does not say. */
    public static final int DEFAULT_LIMIT = 100;

    /**
     * Which jobs a page lists.
     *
     * @param dataset only jobs of this dataset; {@code null}: all
     * @param status  only jobs in this state; {@code null}: all
     * @param since   only jobs queued at or after this instant; {@code null}: no bound
     * @param until   only jobs queued before this instant; {@code null}: no bound
     * @param limit   at most this many jobs, 1..{@link #MAX_LIMIT}
     * @param after   the position the page starts after (from a previous page's cursor); {@code null}: the newest
     */
    public record Query(String dataset, JobState status, Instant since, Instant until, int limit, Position after) {

        public Query {
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new IllegalArgumentException("limit " + limit + " is not from 1 to " + MAX_LIMIT);
            }
        }

        boolean matches(Job job) {
            return (dataset == null || dataset.equals(job.dataset()))
                    && (status == null || status == job.status())
                    && (since == null || !job.queuedAt().isBefore(since))
                    && (until == null || job.queuedAt().isBefore(until));
        }
    }

    /**
     * Where a page ends: the last job it listed, by the instant it was queued and its id. A cursor names a position,
     * not an index, so that jobs submitted meanwhile (which come first, newest first) do not shift the next page; a
     * job that left the journal meanwhile is still a valid place to continue from, by its instant.
     */
    public record Position(Instant queuedAt, String jobId) {

        /** The opaque cursor a client hands back. */
        public String cursor() {
            String plain = queuedAt.toString() + '|' + jobId;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
        }

        /** The position a cursor names; empty when it is not one this service made. */
        public static Optional<Position> of(String cursor) {
            try {
                String plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                int bar = plain.indexOf('|');
                if (bar < 0 || bar == plain.length() - 1) {
                    return Optional.empty();
                }
                return Optional.of(new Position(Instant.parse(plain.substring(0, bar)), plain.substring(bar + 1)));
            } catch (IllegalArgumentException | java.time.DateTimeException e) {
                return Optional.empty();
            }
        }

        static Position of(Job job) {
            return new Position(job.queuedAt(), job.jobId());
        }
    }
}
