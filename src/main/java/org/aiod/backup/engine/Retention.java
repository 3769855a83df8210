package org.aiod.backup.engine;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The retention rule as a pure function: a dataset's cycles, a {@link RetentionPolicy}, the current time and what
 * counts as a good level 0 in; which cycles stay (and why) and which go, out. The rules are restic's {@code forget}
 * rules applied to levels (each level is a restore point written at its archive's mtime), mapped onto whole cycles:
 * a cycle stays when any rule selects one of its levels. Every archive of a cycle counts as a level, the ones after
 * a gap too: deciding to delete errs on the side of keeping.
 */
final class Retention {

    static final String NEWEST_CYCLE = "newest-cycle";
    static final String NEWEST_FULL = "newest-full";
    static final String KEEP_ALL = "keep-all";
    static final String KEEP_LAST = "keep-last";
    static final String KEEP_WITHIN = "keep-within";
    static final String KEEP_DAILY = "keep-daily";
    static final String KEEP_WEEKLY = "keep-weekly";
    static final String KEEP_MONTHLY = "keep-monthly";

    /** A good level 0 by what is on disk: the cycle has a restorable level 0 (its archive is there). */
    static final Predicate<CycleInfo> HAS_LEVEL_0 = cycle -> !cycle.levels().isEmpty();

    /**
     * What a prune does with each cycle.
     *
     * @param kept    the cycles that stay, ascending by label, each with its reasons in a fixed order
     * @param removed the cycles that go, ascending by label
     */
    record Decision(List<PruneSummary.Kept> kept, List<CycleInfo> removed) {
    }

    /** One level as a restore point: its cycle, its level and when its archive was written. */
    private record Point(long cycle, int level, Instant written) {
    }

    private Retention() {
    }

    /**
     * @param cycles   the dataset's cycles ({@link Inventory#cycles}), in any order
     * @param policy   the rules
     * @param now      the time {@code keepWithin} counts back from
     * @param goodFull whether a cycle's level 0 is good: the newest cycle for which it holds is never removed
     */
    static Decision decide(List<CycleInfo> cycles, RetentionPolicy policy, Instant now,
            Predicate<CycleInfo> goodFull) {
        List<CycleInfo> ascending = new ArrayList<>(cycles);
        ascending.sort(Comparator.comparingLong(CycleInfo::cycle));
        Map<Long, Set<String>> reasons = new TreeMap<>();
        ascending.forEach(cycle -> reasons.put(cycle.cycle(), new LinkedHashSet<>()));
        if (ascending.isEmpty()) {
            return new Decision(List.of(), List.of());
        }
        // the cycle the next backup extends (or is writing now): removing it would cut a chain in the middle
        reasons.get(ascending.get(ascending.size() - 1).cycle()).add(NEWEST_CYCLE);
        for (int i = ascending.size() - 1; i >= 0; i--) {
            if (goodFull.test(ascending.get(i))) {
                reasons.get(ascending.get(i).cycle()).add(NEWEST_FULL);
                break;
            }
        }
        if (policy.keepsEverything()) {
            reasons.values().forEach(r -> r.add(KEEP_ALL));
        }
        for (int i = Math.max(0, ascending.size() - policy.keepLast()); i < ascending.size(); i++) {
            reasons.get(ascending.get(i).cycle()).add(KEEP_LAST);
        }

        // every level as a restore point, newest first (ties: the higher cycle, then the higher level, is newer)
        List<Point> points = new ArrayList<>();
        for (CycleInfo cycle : ascending) {
            cycle.levels().forEach(l -> points.add(new Point(cycle.cycle(), l.level(), l.modified())));
            cycle.levelsAfterGap().forEach(l -> points.add(new Point(cycle.cycle(), l.level(), l.modified())));
        }
        points.sort(Comparator.comparing(Point::written).thenComparingLong(Point::cycle)
                .thenComparingInt(Point::level).reversed());

        if (policy.keepWithin() != null) {
            Instant since = now.minus(policy.keepWithin());
            points.stream().filter(p -> !p.written().isBefore(since))
                    .forEach(p -> reasons.get(p.cycle()).add(KEEP_WITHIN));
        }
        bucketRule(points, policy.keepDaily(), KEEP_DAILY, reasons,
                p -> LocalDate.ofInstant(p.written(), policy.zone()));
        bucketRule(points, policy.keepWeekly(), KEEP_WEEKLY, reasons, p -> {
            ZonedDateTime at = p.written().atZone(policy.zone());
            return at.get(IsoFields.WEEK_BASED_YEAR) * 100L + at.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
        });
        bucketRule(points, policy.keepMonthly(), KEEP_MONTHLY, reasons, p -> {
            ZonedDateTime at = p.written().atZone(policy.zone());
            return at.getYear() * 100L + at.getMonthValue();
        });

        List<PruneSummary.Kept> kept = new ArrayList<>();
        List<CycleInfo> removed = new ArrayList<>();
        for (CycleInfo cycle : ascending) {
            Set<String> why = reasons.get(cycle.cycle());
            if (why.isEmpty()) {
                removed.add(cycle);
            } else {
                kept.add(new PruneSummary.Kept(cycle.cycle(), ordered(why)));
            }
        }
        return new Decision(List.copyOf(kept), List.copyOf(removed));
    }

    /**
     * restic's bucket rule: walking the levels newest first, the first level seen in each bucket (the newest of
     * that bucket) is selected, until {@code count} buckets have been.
     */
    private static void bucketRule(List<Point> newestFirst, int count, String reason,
            Map<Long, Set<String>> reasons, Function<Point, Object> bucket) {
        Object last = null;
        int left = count;
        for (Point point : newestFirst) {
            if (left == 0) {
                return;
            }
            Object key = bucket.apply(point);
            if (!key.equals(last)) {
                last = key;
                left--;
                reasons.get(point.cycle()).add(reason);
            }
        }
    }

    private static final List<String> ORDER = List.of(NEWEST_CYCLE, NEWEST_FULL, KEEP_ALL, KEEP_LAST, KEEP_WITHIN,
            KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY);

    private static List<String> ordered(Set<String> reasons) {
        return ORDER.stream().filter(reasons::contains).toList();
    }
}
