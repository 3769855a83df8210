package org.aiod.backup.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A legacy crontab line becomes the Quartz expression that runs when the crontab line ran; Quartz passes through. */
class CrontabTest {

    private static final CronParser QUARTZ = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            0 2 * * *          | 0 0 2 * * ?
            30 4 1 * *         | 0 30 4 1 * ?
            0 3 * * 0          | 0 0 3 ? * SUN
            0 3 * * 7          | 0 0 3 ? * SUN
            0 3 * * 1-5        | 0 0 3 ? * MON-FRI
            0 3 * * 5-7        | 0 0 3 ? * SUN,FRI,SAT
            0 3 * * */2        | 0 0 3 ? * SUN,TUE,THU,SAT
            0 3 * * 1,3,6      | 0 0 3 ? * MON,WED,SAT
            0 3 * * mon-fri    | 0 0 3 ? * MON-FRI
            */15 * * jan,jul * | 0 */15 * * JAN,JUL ?
            0 0 2 * * ?        | 0 0 2 * * ?
            0 0 2 ? * MON      | 0 0 2 ? * MON
            off                | off
            """)
    void translates(String configured, String quartz) {
        assertEquals(quartz, Crontab.toQuartz(configured));
        assertNull(Crontab.problem(configured), configured);
    }

    /** The translation fires on the day crontab would: weekday 1 is a Monday, not Quartz's 1 (Sunday). */
    @ParameterizedTest
    @CsvSource({"0 2 * * 1, MONDAY", "0 2 * * 0, SUNDAY", "0 2 * * 6, SATURDAY"})
    void firesOnCrontabsWeekday(String configured, DayOfWeek day) {
        ZonedDateTime from = ZonedDateTime.of(2026, 11, 30, 12, 0, 0, 0, ZoneOffset.UTC); // a Monday noon
        ZonedDateTime next = ExecutionTime.forCron(QUARTZ.parse(Crontab.toQuartz(configured))).nextExecution(from)
                .orElseThrow();
        assertEquals(day, next.getDayOfWeek());
        assertEquals(2, next.getHour());
        assertEquals(0, next.getSecond());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            0 2 1 * 1     | restricts both day-of-month and day-of-week
            0 2 * * 8     | day-of-week 8 is outside 0-7
            0 2 * * 5-1   | runs backwards
            61 2 * * *    | 61
            0 0 2 * *  *  | Quartz
            0 0 2 1 * MON | Quartz
            every night   | Quartz
            """)
    void refuses(String configured, String rule) {
        String problem = Crontab.problem(configured);
        assertTrue(problem != null && problem.contains(rule), configured + ": " + problem);
        assertTrue(!problem.contains("\n"), problem);
    }

    @org.junit.jupiter.api.Test
    void bothDayFieldsIsNoTranslation() {
        assertThrows(IllegalArgumentException.class, () -> Crontab.toQuartz("0 2 1 * 1"));
    }
}
