package org.aiod.backup.engine;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Objects;

/**
 * Which cycles of a dataset a prune keeps. A cycle is kept when any rule selects one of its levels; a cycle no rule
 * selects is removed whole, never a level out of its chain. Whatever the rules, the cycle being written and the
 * newest cycle with a good level 0 are always kept. Zero (or {@code null} for {@code keepWithin}) turns a rule off;
 * a policy with every rule off keeps everything ({@link #KEEP_ALL}), as the legacy scripts did.
 *
 * @param keepLast    keep the newest N cycles
 * @param keepWithin  keep cycles holding a level written within this duration before now; {@code null}: off
 * @param keepDaily   keep the cycles holding the newest level of each of the newest N days that have one
 * @param keepWeekly  the same per ISO week (weeks start on Monday)
 * @param keepMonthly the same per calendar month
 * @param zone        the time zone in which days, weeks and months are counted
 */
public record RetentionPolicy(int keepLast, Duration keepWithin, int keepDaily, int keepWeekly, int keepMonthly,
        ZoneId zone) {

    /** Keeps every cycle: the default. */
    public static final RetentionPolicy KEEP_ALL = new RetentionPolicy(0, null, 0, 0, 0, ZoneId.systemDefault());

    public RetentionPolicy {
        if (keepLast < 0 || keepDaily < 0 || keepWeekly < 0 || keepMonthly < 0) {
            throw new IllegalArgumentException("retention counts must not be negative");
        }
        if (keepWithin != null && (keepWithin.isNegative() || keepWithin.isZero())) {
            keepWithin = null;
        }
        Objects.requireNonNull(zone, "zone");
    }

    /** Whether every rule is off, so that a prune removes nothing. */
    public boolean keepsEverything() {
        return keepLast == 0 && keepWithin == null && keepDaily == 0 && keepWeekly == 0 && keepMonthly == 0;
    }
}
