package org.aiod.backup.schedule;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.PreventFurtherStepsException;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.scheduler.Trigger;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.SmallRyeConfig;

import org.aiod.backup.catalog.DatasetCatalog;
import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.engine.FileAttributeAccess;
import org.aiod.backup.job.CommandRules;
import org.aiod.backup.messaging.BrokerConfig;
import org.aiod.backup.messaging.BrokerSettings;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Start-up that explains itself. First, before the scheduler reads its expressions, the settings Quarkus cannot
 * check by their type are checked: the two cron expressions, the schedules' and the retention's time zones, the
 * retention counts and {@code backup.verify.depth}. An invalid one stops start-up with ONE line naming the property,
 * the value and the rule (a {@link PreventFurtherStepsException}, which Quarkus prints as its message alone and
 * exits 1), instead of the scheduler's stack trace. Then one log block says what is in force: the roots, the
 * datasets found, both schedules (as configured, as run, time zone and next fire time), compression, retention, the
 * disk warning threshold and the broker.
 */
@ApplicationScoped
public class StartupSettings {

    private static final Logger LOG = Logger.getLogger(StartupSettings.class);
    /** Before the scheduler's own start-up observer (priority 0), which parses the expressions. */
    static final int CHECK_PRIORITY = -1000;
    /** Both schedules' {@code @Scheduled(timeZone)}: {@code backup.schedule.timezone}, else the system's. */
    static final String SCHEDULE_ZONE = "${backup.schedule.timezone:" + Scheduled.DEFAULT_TIMEZONE + "}";

    private final BackupConfig config;
    private final Config rawConfig;
    private final DatasetCatalog catalog;
    private final Scheduler scheduler;
    private final BrokerSettings broker;
    private final BrokerConfig embeddedBroker;

    StartupSettings(BackupConfig config, Config rawConfig, DatasetCatalog catalog, Scheduler scheduler,
            BrokerSettings broker, BrokerConfig embeddedBroker) {
        this.config = config;
        this.rawConfig = rawConfig;
        this.catalog = catalog;
        this.scheduler = scheduler;
        this.broker = broker;
        this.embeddedBroker = embeddedBroker;
    }

    /** Static, so that the check neither creates this bean nor, through it, the scheduler that would parse first. */
    static void check(@Observes @Priority(CHECK_PRIORITY) StartupEvent start, BackupConfig config) {
        List<String> problems = problems(config);
        if (!problems.isEmpty()) {
            String message = String.join(System.lineSeparator(), problems);
            // Quarkus prints a PreventFurtherStepsException's message alone (no stack trace, no banner of its own)
            // when it is the ROOT cause of a failed start, and exits with its code; thrown bare, start-up code
            // swallows it as a quiet stop and the process would hang on, so it goes as the cause
            throw new IllegalStateException(message, new PreventFurtherStepsException(message, 1));
        }
    }

    /** One line per invalid setting: {@code Invalid setting <property>=<value>: <rule>}. */
    public static List<String> problems(BackupConfig config) {
        List<String> problems = new ArrayList<>();
        cronProblem("backup.schedule.cron", config.schedule().cron(), problems);
        cronProblem("backup.verify.cron", config.verify().cron(), problems);
        zoneProblem("backup.schedule.timezone", config.schedule().timezone(), problems);
        zoneProblem("backup.retention.timezone", config.retention().timezone(), problems);
        BackupConfig.Retention r = config.retention();
        count("backup.retention.keep-last", r.keepLast(), problems);
        count("backup.retention.keep-daily", r.keepDaily(), problems);
        count("backup.retention.keep-weekly", r.keepWeekly(), problems);
        count("backup.retention.keep-monthly", r.keepMonthly(), problems);
        if (r.keepWithin().isPresent() && (r.keepWithin().get().isNegative() || r.keepWithin().get().isZero())) {
            problems.add(line("backup.retention.keep-within", r.keepWithin().get().toString(),
                    "a positive duration such as 30d, 12h or P30D (unset: off)"));
        }
        BackupConfig.OffsiteRetention o = config.offsite().retention();
        o.keepLast().ifPresent(v -> count("backup.offsite.retention.keep-last", v, problems));
        o.keepDaily().ifPresent(v -> count("backup.offsite.retention.keep-daily", v, problems));
        o.keepWeekly().ifPresent(v -> count("backup.offsite.retention.keep-weekly", v, problems));
        o.keepMonthly().ifPresent(v -> count("backup.offsite.retention.keep-monthly", v, problems));
        if (o.keepWithin().isPresent() && (o.keepWithin().get().isNegative() || o.keepWithin().get().isZero())) {
            problems.add(line("backup.offsite.retention.keep-within", o.keepWithin().get().toString(),
                    "a positive duration such as 90d, 12h or P90D (unset: off)"));
        }
        String depth = CommandRules.depthProblem(config.verify().depth());
        if (depth != null) {
            problems.add(line("backup.verify.depth", config.verify().depth(), depth));
        }
        return problems;
    }

    private static void cronProblem(String property, String value, List<String> problems) {
        String problem = Crontab.problem(value);
        if (problem != null) {
            problems.add(line(property, value, problem));
        }
    }

    private static void zoneProblem(String property, Optional<String> value, List<String> problems) {
        if (value.isPresent() && !value.get().isBlank()) {
            try {
                ZoneId.of(value.get().trim());
            } catch (DateTimeException e) {
                problems.add(line(property, value.get(), "a time zone id such as UTC, Europe/Paris or +01:00"
                        + " (unset: the system's, " + ZoneId.systemDefault() + ")"));
            }
        }
    }

    private static void count(String property, int value, List<String> problems) {
        if (value < 0) {
            problems.add(line(property, Integer.toString(value), "a count of 0 or more (0: off)"));
        }
    }

    private static String line(String property, String value, String rule) {
        return "Invalid setting " + property + "='" + value + "': " + rule;
    }

    /** The time zone of both schedules. */
    public static ZoneId scheduleZone(BackupConfig config) {
        return config.schedule().timezone().filter(z -> !z.isBlank()).map(z -> ZoneId.of(z.trim()))
                .orElseGet(ZoneId::systemDefault);
    }

    void report(@Observes StartupEvent start) {
        LOG.info(block());
    }

    /** The start-up block: what is in force, one setting a line. */
    String block() {
        String nl = System.lineSeparator();
        StringBuilder b = new StringBuilder("aiod-backup settings in force:");
        Path dataRoot = config.dataRoot().toAbsolutePath().normalize();
        b.append(nl).append("  data root: ").append(dataRoot).append(Files.isDirectory(dataRoot) ? "" : " (missing)");
        b.append(nl).append("  backup root: ").append(config.backupRoot().toAbsolutePath().normalize());
        b.append(nl).append("  state dir: ").append(config.stateDir().toAbsolutePath().normalize());
        b.append(nl).append("  datasets: ").append(datasets(dataRoot));
        ZoneId zone = scheduleZone(config);
        b.append(nl).append("  backup schedule: ").append(schedule("backup.schedule.cron", "backups", zone));
        b.append(nl).append("  verify schedule: ").append(schedule("backup.verify.cron", "verifies", zone))
                .append(Crontab.isOff(config.verify().cron()) ? "" : ", depth " + config.verify().depth());
        b.append(nl).append("  compression: ").append(config.compression().name().toLowerCase())
                .append(config.compressionLevel().isPresent() ? " level " + config.compressionLevel().getAsInt()
                        : " at its default level");
        b.append(nl).append("  ").append(AutoPrune.describe(config.retentionPolicy()));
        long warnFree = config.disk().warnFree().asLongValue();
        b.append(nl).append("  disk warning (backup.disk.warn-free): ").append(warnFree == 0 ? "off"
                : "below " + rawConfig.getConfigValue("backup.disk.warn-free").getValue() + " (" + warnFree
                        + " bytes) free on the backup root");
        b.append(nl).append("  file attributes: ").append(FileAttributeAccess.describe());
        b.append(nl).append("  broker: ").append(broker());
        return b.toString();
    }

    private String datasets(Path dataRoot) {
        List<String> names;
        try {
            names = catalog.names();
        } catch (RuntimeException e) {
            return "cannot be listed (" + e.getMessage() + ")";
        }
        if (names.isEmpty()) {
            return "none found (no directory in the data root, no backups, backup.datasets not set)";
        }
        List<String> described = new ArrayList<>();
        for (String name : names) {
            described.add(name + (Files.isDirectory(dataRoot.resolve(name)) ? " (data directory present)"
                    : " (no data directory: backups only)"));
        }
        return String.join(", ", described);
    }

    private String schedule(String property, String identity, ZoneId zone) {
        ConfigValue value = rawConfig.unwrap(SmallRyeConfig.class).getConfigValue(property);
        String effective = value.getValue();
        if (effective == null || Crontab.isOff(effective)) {
            return "off (" + property + "=" + effective + ")";
        }
        String configured = value.getRawValue() == null ? effective : value.getRawValue().trim();
        StringBuilder s = new StringBuilder("'").append(configured).append("'");
        if (!configured.equals(effective)) {
            s.append(" (crontab) runs as Quartz '").append(effective).append("'");
        }
        s.append(", time zone ").append(zone)
                .append(config.schedule().timezone().filter(z -> !z.isBlank()).isPresent() ? "" : " (the system's)");
        Trigger trigger = scheduler.getScheduledJob(identity);
        Instant next = trigger == null ? null : trigger.getNextFireTime();
        s.append(", next run ").append(next == null ? "none" : DateTimeFormatter.ISO_OFFSET_DATE_TIME
                .format(next.atZone(zone)));
        return s.toString();
    }

    private String broker() {
        Optional<String> external = broker.externalHost();
        if (external.isPresent()) {
            return "external at " + external.get() + ":" + broker.port();
        }
        if (!embeddedBroker.embedded()) {
            return "none (no amqp-host, backup.broker.embedded=false)";
        }
        return "embedded on " + embeddedBroker.host() + ":" + embeddedBroker.port();
    }
}
