package org.aiod.backup.schedule;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;

/**
 * The schedules' cron expressions ({@code backup.schedule.cron}, {@code backup.verify.cron}). The scheduler reads
 * Quartz expressions (seconds first, six or seven fields, one of day-of-month and day-of-week {@code ?}); a legacy
 * crontab line of five fields ({@code minute hour day-of-month month day-of-week}, as the legacy image's crontab had)
 * is taken as crontab meant it: seconds 0, day-of-week numbers 0-7 (0 and 7 Sunday) as the names {@code SUN..SAT}
 * (Quartz counts 1-7 from Sunday, so a number would shift by one day), and the unrestricted one of the two day fields
 * as {@code ?}. A crontab line restricting both day fields runs when EITHER matches, which Quartz cannot say: it is
 * refused. {@code off} and {@code disabled} turn a schedule off and are left as they are.
 */
public final class Crontab {

    private static final String[] DAY_NAMES = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"};
    /** The scheduler's own parser (Quarkus's default {@code quarkus.scheduler.cron-type}). */
    private static final CronParser QUARTZ = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));

    private Crontab() {
    }

    /** {@code off} or {@code disabled}: the schedule has no trigger. */
    public static boolean isOff(String expression) {
        String e = expression == null ? "" : expression.trim();
        return e.equalsIgnoreCase("off") || e.equalsIgnoreCase("disabled");
    }

    /** A crontab line: five fields. */
    public static boolean isCrontab(String expression) {
        return expression != null && fields(expression).length == 5;
    }

    /**
     * The Quartz expression the scheduler runs for {@code expression}: a crontab line translated, anything else as
     * it is.
     *
     * @throws IllegalArgumentException a crontab line Quartz cannot express; the message is the rule
     */
    public static String toQuartz(String expression) {
        if (!isCrontab(expression)) {
            return expression;
        }
        String[] f = fields(expression);
        String minute = f[0];
        String hour = f[1];
        String dayOfMonth = f[2];
        String month = f[3].toUpperCase(Locale.ROOT);
        String dayOfWeek = f[4];
        boolean anyDayOfMonth = dayOfMonth.equals("*") || dayOfMonth.equals("?");
        boolean anyDayOfWeek = dayOfWeek.equals("*") || dayOfWeek.equals("?");
        if (!anyDayOfMonth && !anyDayOfWeek) {
            throw new IllegalArgumentException("a crontab line that restricts both day-of-month and day-of-week runs"
                    + " when either matches, which the scheduler cannot express; set one of them to *");
        }
        String quartzDayOfMonth = anyDayOfWeek ? (anyDayOfMonth ? "*" : dayOfMonth) : "?";
        String quartzDayOfWeek = anyDayOfWeek ? "?" : dayNames(dayOfWeek);
        return String.join(" ", "0", minute, hour, quartzDayOfMonth, month, quartzDayOfWeek);
    }

    /**
     * What is wrong with {@code expression} as a schedule, or {@code null}: {@code off}/{@code disabled}, a valid
     * Quartz expression and a crontab line whose translation is one are right.
     */
    public static String problem(String expression) {
        if (isOff(expression)) {
            return null;
        }
        String quartz;
        try {
            quartz = toQuartz(expression);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        try {
            QUARTZ.parse(quartz).validate();
            return null;
        } catch (IllegalArgumentException e) {
            return "expected a Quartz cron expression (seconds minutes hours day-of-month month day-of-week, one of"
                    + " the two day fields ?, e.g. 0 0 2 * * ?), a crontab line (minute hour day-of-month month"
                    + " day-of-week, e.g. 0 2 * * *) or off: " + oneLine(e.getMessage()) + (quartz.equals(expression)
                            ? "" : " (as Quartz: " + quartz + ")");
        }
    }

    private static String[] fields(String expression) {
        String trimmed = expression.trim();
        return trimmed.isEmpty() ? new String[0] : trimmed.split("\\s+");
    }

    /** A crontab day-of-week field with Quartz's day names in place of crontab's numbers. */
    private static String dayNames(String field) {
        List<String> items = new ArrayList<>();
        for (String item : field.split(",", -1)) {
            items.add(dayNamesOfItem(item));
        }
        return String.join(",", items);
    }

    private static String dayNamesOfItem(String item) {
        if (item.isEmpty()) {
            throw new IllegalArgumentException("an empty item in the day-of-week list");
        }
        if (item.chars().anyMatch(Character::isLetter)) {
            return item.toUpperCase(Locale.ROOT); // names (mon-fri) mean the same in Quartz
        }
        String range = item;
        Integer step = null;
        int slash = item.indexOf('/');
        if (slash >= 0) {
            range = item.substring(0, slash);
            step = number(item.substring(slash + 1), 1, 7);
        }
        int from;
        int to;
        if (range.equals("*")) {
            from = 0;
            to = 6;
        } else if (range.contains("-")) {
            String[] ends = range.split("-", -1);
            if (ends.length != 2) {
                throw new IllegalArgumentException("day-of-week item '" + item + "' is no range a-b");
            }
            from = number(ends[0], 0, 7);
            to = number(ends[1], 0, 7);
            if (from > to) {
                throw new IllegalArgumentException("day-of-week range '" + range + "' runs backwards");
            }
        } else {
            from = number(range, 0, 7);
            to = step == null ? from : 6;
        }
        if (step == null && from == to) {
            return DAY_NAMES[from];
        }
        if (step == null && to < 7) {
            return DAY_NAMES[from] + "-" + DAY_NAMES[to];
        }
        // a step, or a range ending on 7 (Sunday again): the days one by one, in Quartz's order
        TreeSet<Integer> days = new TreeSet<>();
        for (int d = from; d <= to; d += step == null ? 1 : step) {
            days.add(d % 7);
        }
        List<String> names = new ArrayList<>();
        days.forEach(d -> names.add(DAY_NAMES[d]));
        return String.join(",", names);
    }

    private static int number(String text, int min, int max) {
        int n;
        try {
            n = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("day-of-week '" + text + "' is no number " + min + "-" + max
                    + " nor a day name");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException("day-of-week " + n + " is outside " + min + "-" + max);
        }
        return n;
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
