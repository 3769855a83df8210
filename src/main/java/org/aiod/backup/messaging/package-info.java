/**
 * AMQP 1.0 adapter: consumes {@code backup-commands}, {@code restore-commands}, {@code verify-commands} and
 * {@code prune-commands}, translates them into job commands,
 * publishes one completion event per job on {@code backup-events}, and starts an embedded Artemis broker when no
 * external broker is configured. It never calls the engine: every command goes through
 * {@link org.aiod.backup.job.JobService}.
 */
package org.aiod.backup.messaging;
