/**
 * The service's configuration: one {@code @ConfigMapping} under the {@code backup} prefix, and the engine built from
 * it; {@link org.aiod.backup.config.CrontabInterceptor} serves a legacy crontab line of the two cron properties as
 * the Quartz expression the scheduler reads.
 */
package org.aiod.backup.config;
