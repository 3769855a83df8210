/** aiod-backup: point-in-time, GNU tar compatible incremental backups of data volumes, run as a service. */
package org.aiod.backup;
