/** The benchmark: the engine against the legacy GNU tar command on the same data in one run ({@code bench/run.sh}). */
package org.aiod.backup.bench;
