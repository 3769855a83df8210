package org.aiod.backup.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The packaged service ({@code java -jar}, profile prod, configuration from the environment, as {@link ServiceJarIT}
 * runs it) with an invalid setting: it exits non-zero, and all it prints is one line naming the property, the value
 * and the rule, no stack trace. With a legacy crontab line it starts, and its start-up block shows the line, the
 * Quartz expression it runs as, the time zone and the next fire time.
 */
class StartupSettingsIT {

    @TempDir
    Path tmp;

    private ServiceJarProcess service;
    private Process process;

    @BeforeAll
    static void theArtifactIsBuilt() {
        ServiceJarProcess.jar();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (service != null) {
            service.close();
        }
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            BACKUP_SCHEDULE_CRON       | 0 2 1 * 1     | Invalid setting backup.schedule.cron='0 2 1 * 1': a crontab line that restricts both day-of-month and day-of-week
            BACKUP_SCHEDULE_CRON       | 0 61 2 * * ?  | Invalid setting backup.schedule.cron='0 61 2 * * ?': expected a Quartz cron expression
            BACKUP_VERIFY_CRON         | 0 2 * * 9     | Invalid setting backup.verify.cron='0 2 * * 9': day-of-week 9 is outside 0-7
            BACKUP_SCHEDULE_TIMEZONE   | Mars/Olympus  | Invalid setting backup.schedule.timezone='Mars/Olympus': a time zone id
            BACKUP_VERIFY_DEPTH        | deep          | Invalid setting backup.verify.depth='deep': depth must be checksums or drill
            BACKUP_RETENTION_KEEP_LAST | -1            | Invalid setting backup.retention.keep-last='-1': a count of 0 or more
            BACKUP_OFFSITE_RETENTION_KEEP_LAST | -2    | Invalid setting backup.offsite.retention.keep-last='-2': a count of 0 or more
            BACKUP_RETENTION_TIMEZONE  | Nowhere       | Invalid setting backup.retention.timezone='Nowhere': a time zone id
            """)
    void anInvalidSettingStopsStartUpWithOneLine(String variable, String value, String line) throws Exception {
        Path out = tmp.resolve("refused.log");
        process = start(Map.of(variable, value), out);
        assertTrue(process.waitFor(90, TimeUnit.SECONDS), "the service stops by itself");
        assertNotEquals(0, process.exitValue());
        String log = Files.readString(out, StandardCharsets.UTF_8)
                + Files.readString(tmp.resolve(out.getFileName() + ".err"), StandardCharsets.UTF_8);
        List<String> lines = log.lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), log);
        assertTrue(lines.get(0).startsWith(line), log);
        assertFalse(log.contains("\tat "), log);
    }

    /**
     * A value that is not even of its type fails in Quarkus's own configuration mapping, before any check of ours:
     * its two lines name the property, the value and the type, and nothing follows them (the embedded broker's stop
     * used to build its bean at shutdown, which needs that configuration, and printed a stack trace).
     */
    @Test
    void aValueOfTheWrongTypeStopsStartUpNamingItWithoutAStackTrace() throws Exception {
        Path out = tmp.resolve("wrong-type.log");
        process = start(Map.of("BACKUP_RETENTION_KEEP_LAST", "abc"), out);
        assertTrue(process.waitFor(90, TimeUnit.SECONDS), "the service stops by itself");
        assertNotEquals(0, process.exitValue());
        String log = Files.readString(out, StandardCharsets.UTF_8)
                + Files.readString(tmp.resolve(out.getFileName() + ".err"), StandardCharsets.UTF_8);
        List<String> lines = log.lines().filter(l -> !l.isBlank()).toList();
        assertTrue(lines.size() <= 2, log);
        assertTrue(log.contains("backup.retention.keep-last") && log.contains("\"abc\"")
                && log.contains("Expected an integer value"), log);
        assertFalse(log.contains("\tat "), log);
    }

    @Test
    void aCrontabLineStartsAndTheStartUpBlockShowsItsTranslation() throws Exception {
        Path out = tmp.resolve("service.log");
        Files.createDirectories(tmp.resolve("data").resolve("alpha"));
        process = start(Map.of("BACKUP_SCHEDULE_CRON", "0 2 * * 1-5", "BACKUP_SCHEDULE_TIMEZONE", "Europe/Paris"),
                out);
        String block = awaitLine(out, "broker: embedded on localhost:");
        assertTrue(block.contains("aiod-backup settings in force:"), block);
        assertTrue(block.contains("  data root: " + tmp.resolve("data").toAbsolutePath().normalize()), block);
        assertTrue(block.contains("  datasets: alpha (data directory present)"), block);
        assertTrue(block.matches("(?s).*  backup schedule: '0 2 \\* \\* 1-5' \\(crontab\\) runs as Quartz "
                + "'0 0 2 \\? \\* MON-FRI', time zone Europe/Paris, next run \\d{4}-\\d\\d-\\d\\dT02:00:00\\+0[12]:00\n.*"),
                block);
        assertTrue(block.contains("  verify schedule: off"), block);
        assertTrue(block.contains("  retention: keep every cycle (backup.retention.* not set)"), block);
        assertTrue(block.contains("  compression: gzip"), block);
        assertTrue(block.contains("  disk warning (backup.disk.warn-free): below 1G"), block);
    }

    private String awaitLine(Path out, String marker) throws Exception {
        return service.awaitOutput(marker);
    }

    /** A runnable service otherwise: an account, free ports ({@link ServiceJarProcess.Launch#runnable}). */
    private Process start(Map<String, String> env, Path out) throws Exception {
        service = ServiceJarProcess.in(tmp).runnable().env(env).start(out);
        return service.process();
    }
}
