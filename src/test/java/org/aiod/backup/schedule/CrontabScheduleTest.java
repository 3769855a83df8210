package org.aiod.backup.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import io.quarkus.scheduler.Scheduler;
import io.quarkus.scheduler.Trigger;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import org.aiod.backup.config.BackupConfig;
import org.junit.jupiter.api.Test;

/**
 * A legacy crontab line as {@code backup.schedule.cron} (Mondays 02:00) in a time zone of its own: the scheduler runs
 * its Quartz translation in that zone, and the start-up block shows the line, the translation, the zone and the
 * scheduler's next fire time.
 */
@QuarkusTest
@TestProfile(CrontabScheduleTest.MondaysInAuckland.class)
class CrontabScheduleTest {

    static final ZoneId AUCKLAND = ZoneId.of("Pacific/Auckland");

    public static class MondaysInAuckland implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("backup.schedule.cron", "0 2 * * 1", "backup.schedule.timezone", AUCKLAND.getId(),
                    "backup.verify.cron", "30 3 * * 0");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ScheduleTestRoots.class));
        }
    }

    @Inject
    Scheduler scheduler;

    @Inject
    BackupConfig config;

    @Inject
    StartupSettings settings;

    @Test
    void theCrontabLineRunsAsCrontabMeantItInTheConfiguredZone() {
        assertEquals("0 0 2 ? * MON", config.schedule().cron());
        Trigger backups = scheduler.getScheduledJob("backups");
        assertNotNull(backups, "the crontab line registered a trigger");
        ZonedDateTime next = backups.getNextFireTime().atZone(AUCKLAND);
        assertEquals(DayOfWeek.MONDAY, next.getDayOfWeek(), next.toString());
        assertEquals(2, next.getHour(), next.toString());
        assertEquals(0, next.getMinute(), next.toString());
        assertTrue(next.toInstant().isAfter(Instant.now()), next.toString());

        String block = settings.block();
        assertTrue(block.contains("backup schedule: '0 2 * * 1' (crontab) runs as Quartz '0 0 2 ? * MON', time zone "
                + "Pacific/Auckland, next run " + DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(next)), block);
        assertTrue(block.contains("verify schedule: '30 3 * * 0' (crontab) runs as Quartz '0 30 3 ? * SUN', time zone"
                + " Pacific/Auckland, next run "), block);
        assertTrue(block.contains("retention: keep every cycle (backup.retention.* not set)"), block);
        assertTrue(block.contains("broker: "), block);
        assertTrue(block.contains("data root: " + config.dataRoot().toAbsolutePath().normalize()), block);
    }
}
