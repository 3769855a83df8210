/**
 * The dataset catalog: which datasets the service manages and what their backups are on disk (cycles, levels, sizes,
 * checksum state), read through the engine; the one place the API, scheduler, metrics and command line read it.
 */
package org.aiod.backup.catalog;
