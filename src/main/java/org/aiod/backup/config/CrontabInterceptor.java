package org.aiod.backup.config;

import java.util.Set;

import jakarta.annotation.Priority;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;

import org.aiod.backup.schedule.Crontab;

/**
 * Serves a legacy five-field crontab line set as {@code backup.schedule.cron} or {@code backup.verify.cron} as the
 * Quartz expression the scheduler reads ({@link Crontab#toQuartz}), so that {@code @Scheduled(cron = "${...}")} and
 * {@link BackupConfig} see the expression that runs; the configured line stays the value's raw value
 * ({@link ConfigValue#getRawValue()}), which the start-up log shows beside it. A line that cannot be translated into
 * a valid expression is served as configured, so that the start-up check names it as the operator wrote it. Above
 * the expression and profile interceptors (it sees the expanded value). Registered through {@code META-INF/services}.
 */
@Priority(CrontabInterceptor.PRIORITY)
public class CrontabInterceptor implements ConfigSourceInterceptor {

    static final int PRIORITY = 6000;
    /** The properties holding a schedule's cron expression. */
    public static final Set<String> CRON_PROPERTIES = Set.of("backup.schedule.cron", "backup.verify.cron");

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (value == null || value.getValue() == null || !CRON_PROPERTIES.contains(name)
                || !Crontab.isCrontab(value.getValue()) || Crontab.problem(value.getValue()) != null) {
            return value;
        }
        return value.withValue(Crontab.toQuartz(value.getValue()));
    }
}
