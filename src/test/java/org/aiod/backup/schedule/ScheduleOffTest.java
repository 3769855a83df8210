package org.aiod.backup.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.inject.Inject;

import io.quarkus.scheduler.Scheduler;
import io.quarkus.test.junit.QuarkusTest;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** The test profile sets {@code backup.schedule.cron=off}: Quarkus then registers no trigger for the schedule. */
@QuarkusTest
class ScheduleOffTest {

    @Inject
    Scheduler scheduler;

    @ConfigProperty(name = "backup.schedule.cron")
    String cron;

    @Test
    void offRegistersNoTrigger() {
        assertEquals("off", cron);
        assertNull(scheduler.getScheduledJob("backups"));
    }
}
