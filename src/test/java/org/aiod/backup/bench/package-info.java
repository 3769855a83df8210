/**
 * The benchmark: the engine against GNU tar on the same data in one run, each as a process, every output restored and
 * compared with its source; {@code bench/run.sh} runs it and {@link org.aiod.backup.bench.Results} writes
 * {@code bench/RESULTS.md}.
 */
package org.aiod.backup.bench;
