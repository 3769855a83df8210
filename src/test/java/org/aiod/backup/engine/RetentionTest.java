package org.aiod.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The retention table: generated catalogs (a backup a day, cut into cycles of a fixed length) against each rule
 * alone, combinations, the cycle being written, a broken or corrupt level 0, bucket boundaries in a zone that is not
 * UTC, and an empty dataset. Each row gives the cycles kept with their reasons; every other cycle must be removed.
 */
class RetentionTest {

    private static final ZoneId UTC = ZoneOffset.UTC;
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final String CYCLE = Retention.NEWEST_CYCLE;
    private static final String FULL = Retention.NEWEST_FULL;

    /** One row: a catalog, a policy and the time it is applied, and the cycles expected to stay. */
    record Row(String name, List<CycleInfo> catalog, RetentionPolicy policy, Instant now,
            Predicate<CycleInfo> goodFull, Map<Long, List<String>> kept) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Row> table() {
        // c0 Nov 1-2, c1 3-4, c2 5-6, c3 7-8, c4 9-10 (02:00 UTC each day)
        List<CycleInfo> daily = daily("2026-11-01T02:00:00Z", 10, 2);
        Instant afterDaily = Instant.parse("2026-11-10T12:00:00Z");
        // c0 Nov 2-8 (ISO week 45, Monday to Sunday), c1 week 46, c2 week 47, c3 week 48, c4 Nov 30 (week 49)
        List<CycleInfo> weekly = daily("2026-11-02T02:00:00Z", 29, 7);
        // c0 Sep 25-Oct 4, c1 Oct 5-14, c2 Oct 15-24, c3 Oct 25-Nov 3, c4 Nov 4-5
        List<CycleInfo> monthly = daily("2026-09-25T02:00:00Z", 42, 10);
        Instant afterMonthly = Instant.parse("2026-11-06T00:00:00Z");
        // one level per cycle: Nov 9 07:00, Nov 9 22:00 and Nov 10 01:00 in New York (Nov 9, 10, 10 in UTC)
        List<CycleInfo> aroundMidnight = List.of(
                cycle(0, Instant.parse("2026-11-09T12:00:00Z")),
                cycle(1, Instant.parse("2026-11-10T03:00:00Z")),
                cycle(2, Instant.parse("2026-11-10T06:00:00Z")));
        Instant afterMidnight = Instant.parse("2026-11-10T12:00:00Z");
        // Sunday 23:00 in New York is Monday 04:00 UTC: another ISO week in UTC
        List<CycleInfo> aroundMonday = List.of(
                cycle(0, Instant.parse("2026-11-28T12:00:00Z")),
                cycle(1, Instant.parse("2026-11-30T04:00:00Z")),
                cycle(2, Instant.parse("2026-12-01T12:00:00Z")));
        List<CycleInfo> writing = new ArrayList<>(daily);
        writing.add(new CycleInfo(5, Path.of("x_5"), List.of()));
        List<CycleInfo> brokenNewest = new ArrayList<>(daily.subList(0, 4));
        brokenNewest.add(new CycleInfo(4, Path.of("x_4"), List.of(), List.of(0),
                List.of(level(1, Instant.parse("2026-11-10T02:00:00Z")))));
        Predicate<CycleInfo> level0OfCycle4Corrupt = c -> c.cycle() != 4 && !c.levels().isEmpty();

        return Stream.of(
                row("empty dataset", List.of(), policy(1, null, 0, 0, 0, UTC), afterDaily, Map.of()),
                row("keep everything removes nothing", daily, RetentionPolicy.KEEP_ALL, afterDaily, Map.of(
                        0L, List.of("keep-all"), 1L, List.of("keep-all"), 2L, List.of("keep-all"),
                        3L, List.of("keep-all"), 4L, List.of(CYCLE, FULL, "keep-all"))),
                row("keep-last 2", daily, policy(2, null, 0, 0, 0, UTC), afterDaily, Map.of(
                        3L, List.of("keep-last"), 4L, List.of(CYCLE, FULL, "keep-last"))),
                row("keep-last larger than the catalog", daily.subList(0, 2), policy(5, null, 0, 0, 0, UTC),
                        afterDaily, Map.of(0L, List.of("keep-last"), 1L, List.of(CYCLE, FULL, "keep-last"))),
                row("keep-within 3 days", daily, policy(0, Duration.ofDays(3), 0, 0, 0, UTC), afterDaily, Map.of(
                        3L, List.of("keep-within"), 4L, List.of(CYCLE, FULL, "keep-within"))),
                row("keep-within counts from now, not from the newest level", daily,
                        policy(0, Duration.ofDays(3), 0, 0, 0, UTC), afterDaily.plus(Duration.ofDays(30)),
                        Map.of(4L, List.of(CYCLE, FULL))),
                row("keep-daily 3", daily, policy(0, null, 3, 0, 0, UTC), afterDaily, Map.of(
                        3L, List.of("keep-daily"), 4L, List.of(CYCLE, FULL, "keep-daily"))),
                row("keep-daily 5 reaches the third cycle", daily, policy(0, null, 5, 0, 0, UTC), afterDaily,
                        Map.of(2L, List.of("keep-daily"), 3L, List.of("keep-daily"),
                                4L, List.of(CYCLE, FULL, "keep-daily"))),
                row("keep-weekly 2", weekly, policy(0, null, 0, 2, 0, UTC), afterDaily, Map.of(
                        3L, List.of("keep-weekly"), 4L, List.of(CYCLE, FULL, "keep-weekly"))),
                row("keep-weekly 3", weekly, policy(0, null, 0, 3, 0, UTC), afterDaily, Map.of(
                        2L, List.of("keep-weekly"), 3L, List.of("keep-weekly"),
                        4L, List.of(CYCLE, FULL, "keep-weekly"))),
                row("keep-monthly 2", monthly, policy(0, null, 0, 0, 2, UTC), afterMonthly, Map.of(
                        3L, List.of("keep-monthly"), 4L, List.of(CYCLE, FULL, "keep-monthly"))),
                row("keep-monthly 3 keeps September's last cycle, not the ones between", monthly,
                        policy(0, null, 0, 0, 3, UTC), afterMonthly, Map.of(0L, List.of("keep-monthly"),
                                3L, List.of("keep-monthly"), 4L, List.of(CYCLE, FULL, "keep-monthly"))),
                row("keep-last 1 and keep-monthly 3", monthly, policy(1, null, 0, 0, 3, UTC), afterMonthly,
                        Map.of(0L, List.of("keep-monthly"), 3L, List.of("keep-monthly"),
                                4L, List.of(CYCLE, FULL, "keep-last", "keep-monthly"))),
                row("keep-within 1 day, keep-daily 3 and keep-weekly 2", weekly,
                        policy(0, Duration.ofDays(1), 3, 2, 0, UTC), Instant.parse("2026-11-30T12:00:00Z"),
                        Map.of(3L, List.of("keep-daily", "keep-weekly"),
                                4L, List.of(CYCLE, FULL, "keep-within", "keep-daily", "keep-weekly"))),
                row("the cycle being written and the newest full", writing, policy(1, null, 0, 0, 0, UTC),
                        afterDaily, Map.of(4L, List.of(FULL), 5L, List.of(CYCLE, "keep-last"))),
                row("newest cycle without level 0: an older full is kept", brokenNewest,
                        policy(1, null, 0, 0, 0, UTC), afterDaily,
                        Map.of(3L, List.of(FULL), 4L, List.of(CYCLE, "keep-last"))),
                new Row("newest cycle's level 0 corrupt: an older full is kept", daily,
                        policy(1, null, 0, 0, 0, UTC), afterDaily, level0OfCycle4Corrupt,
                        Map.of(3L, List.of(FULL), 4L, List.of(CYCLE, "keep-last"))),
                row("no good level 0 anywhere: only the newest cycle", List.of(
                        new CycleInfo(0, Path.of("x_0"), List.of(), List.of(0),
                                List.of(level(1, Instant.parse("2026-11-01T02:00:00Z")))),
                        new CycleInfo(1, Path.of("x_1"), List.of())), policy(1, null, 0, 0, 0, UTC), afterDaily,
                        Map.of(1L, List.of(CYCLE, "keep-last"))),
                row("keep-daily 2 in New York: 22:00 is the day before", aroundMidnight,
                        policy(0, null, 2, 0, 0, NEW_YORK), afterMidnight,
                        Map.of(1L, List.of("keep-daily"), 2L, List.of(CYCLE, FULL, "keep-daily"))),
                row("keep-daily 2 in UTC: the same levels fall on other days", aroundMidnight,
                        policy(0, null, 2, 0, 0, UTC), afterMidnight,
                        Map.of(0L, List.of("keep-daily"), 2L, List.of(CYCLE, FULL, "keep-daily"))),
                row("keep-weekly 2 in New York: Sunday 23:00 is the week before", aroundMonday,
                        policy(0, null, 0, 2, 0, NEW_YORK), afterMidnight.plus(Duration.ofDays(30)),
                        Map.of(1L, List.of("keep-weekly"), 2L, List.of(CYCLE, FULL, "keep-weekly"))),
                row("keep-weekly 2 in UTC: Monday 04:00 is the week after", aroundMonday,
                        policy(0, null, 0, 2, 0, UTC), afterMidnight.plus(Duration.ofDays(30)),
                        Map.of(0L, List.of("keep-weekly"), 2L, List.of(CYCLE, FULL, "keep-weekly"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void decidesWholeCyclesAsTheRowSays(Row row) {
        Retention.Decision decision = Retention.decide(row.catalog(), row.policy(), row.now(), row.goodFull());

        Map<Long, List<String>> kept = new LinkedHashMap<>();
        decision.kept().forEach(k -> kept.put(k.cycle(), k.reasons()));
        assertEquals(new java.util.TreeMap<>(row.kept()), new java.util.TreeMap<>(kept), row.name());
        List<Long> expectedRemoved = row.catalog().stream().map(CycleInfo::cycle)
                .filter(c -> !row.kept().containsKey(c)).sorted().toList();
        assertEquals(expectedRemoved, decision.removed().stream().map(CycleInfo::cycle).toList(), row.name());
    }

    private static Row row(String name, List<CycleInfo> catalog, RetentionPolicy policy, Instant now,
            Map<Long, List<String>> kept) {
        return new Row(name, catalog, policy, now, Retention.HAS_LEVEL_0, kept);
    }

    private static RetentionPolicy policy(int last, Duration within, int daily, int weekly, int monthly,
            ZoneId zone) {
        return new RetentionPolicy(last, within, daily, weekly, monthly, zone);
    }

    /** A backup a day from {@code first} for {@code days} days, {@code cycleLength} levels to a cycle. */
    private static List<CycleInfo> daily(String first, int days, int cycleLength) {
        Instant start = Instant.parse(first);
        List<CycleInfo> cycles = new ArrayList<>();
        for (int c = 0; c * cycleLength < days; c++) {
            List<LevelInfo> levels = new ArrayList<>();
            for (int l = 0; l < cycleLength && c * cycleLength + l < days; l++) {
                levels.add(level(l, start.plus(Duration.ofDays(c * cycleLength + l))));
            }
            cycles.add(new CycleInfo(c, Path.of("x_" + c), List.copyOf(levels)));
        }
        return cycles;
    }

    private static CycleInfo cycle(long label, Instant written) {
        return new CycleInfo(label, Path.of("x_" + label), List.of(level(0, written)));
    }

    private static LevelInfo level(int level, Instant written) {
        return new LevelInfo(level, Path.of("x" + level + ".tar.gz"), 100, written, null);
    }
}
