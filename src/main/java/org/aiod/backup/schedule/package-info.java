/**
 * The periodic backups: on {@code backup.schedule.cron} one backup command per managed dataset goes through the jobs'
 * one path (source {@code schedule}); a dataset whose previous scheduled backup is still queued or running is
 * coalesced, not piled up.
 */
package org.aiod.backup.schedule;
