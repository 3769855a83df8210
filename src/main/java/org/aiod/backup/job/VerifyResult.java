package org.aiod.backup.job;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.aiod.backup.engine.LevelCheck;
import org.aiod.backup.engine.VerifyDepth;
import org.aiod.backup.engine.VerifySummary;

/**
 * A verify job's command and outcome, as the job carries it (journal, HTTP, event): the {@code depth} asked from the
 * start, then, once it ran, each level read with what was found and, for a drill, the test restore's result. A verify
 * that found damage ends {@code FAILED} ({@code VERIFY_FAILED}) and still carries these results.
 *
 * @param depth  {@code checksums} or {@code drill} (as sent, for a command refused because it is neither)
 * @param levels each archive read, in cycle and level order
 * @param drill  the test restore; absent for {@code checksums}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VerifyResult(String depth, List<Level> levels, Drill drill) {

    /**
     * One level read.
     *
     * @param status  {@code OK} (whole, matches SHA256SUMS), {@code UNLISTED} (whole, no SHA256SUMS line: read by its
     *                gzip CRC), {@code CORRUPT}, {@code MISSING} (a gap: the levels after it cannot be restored)
     * @param archive the archive's path
     * @param detail  the checksum read, or what is wrong
     */
    public record Level(long cycle, int level, String status, String archive, String detail) {
    }

    /**
     * The test restore of one level into a scratch directory.
     *
     * @param passed   whether every member matched its archive and the snapshot
     * @param problems each member that did not (empty when it passed)
     */
    public record Drill(long cycle, int level, long files, long bytes, boolean passed, List<String> problems) {
    }

    /** The wire word of a depth. */
    public static String word(VerifyDepth depth) {
        return depth.name().toLowerCase(Locale.ROOT);
    }

    /** The depth {@code word} names ({@code null}: {@code checksums}), or {@code null} when it names none. */
    public static VerifyDepth depth(String word) {
        if (word == null) {
            return VerifyDepth.CHECKSUMS;
        }
        for (VerifyDepth depth : VerifyDepth.values()) {
            if (word(depth).equalsIgnoreCase(word)) {
                return depth;
            }
        }
        return null;
    }

    /** Whether two depths as sent ask the same: absent is {@code checksums}, case does not matter. */
    public static boolean sameDepth(String a, String b) {
        VerifyDepth da = depth(a);
        return da != null ? da == depth(b) : java.util.Objects.equals(a, b);
    }

    /** What a verify command asks, before it ran: its depth in its wire word, or as sent when it names none. */
    static VerifyResult asked(String depth) {
        VerifyDepth d = depth(depth);
        return new VerifyResult(d == null ? depth : word(d), null, null);
    }

    static VerifyResult of(VerifySummary summary) {
        List<Level> levels = summary.checks().stream().map(c -> new Level(c.cycle(), c.level(), c.status().name(),
                c.archive() == null ? null : c.archive().toString(), c.detail())).toList();
        VerifySummary.Drill d = summary.drill();
        Drill drill = d == null ? null
                : new Drill(d.cycle(), d.level(), d.files(), d.bytes(), d.passed(), List.copyOf(d.problems()));
        return new VerifyResult(word(summary.depth()), levels, drill);
    }

    /** How many levels were found corrupt. */
    public long corrupt() {
        return count(LevelCheck.Status.CORRUPT);
    }

    /** How many levels were found missing (a gap in a cycle). */
    public long missing() {
        return count(LevelCheck.Status.MISSING);
    }

    /** How many levels were found with {@code status}. */
    long count(LevelCheck.Status status) {
        return levels == null ? 0 : levels.stream().filter(l -> l.status().equals(status.name())).count();
    }
}
