/**
 * The periodic backups: on {@code backup.schedule.cron} one backup command per managed dataset goes through the jobs'
 * one path (source {@code schedule}); a dataset whose previous scheduled backup is still queued or running is
 * coalesced, not piled up; likewise verifies on {@code backup.verify.cron}. Both expressions may be legacy crontab
 * lines ({@link org.aiod.backup.schedule.Crontab}). {@link org.aiod.backup.schedule.StartupSettings} stops start-up
 * with one line on an invalid setting and logs the block of settings in force.
 */
package org.aiod.backup.schedule;
