/**
 * The incremental backup engine: writes and restores GNU tar compatible incremental cycles in the legacy on-disk
 * layout. Plain Java: it knows nothing of Quarkus, AMQP or HTTP, and reports through summaries and listeners.
 */
package org.aiod.backup.engine;
