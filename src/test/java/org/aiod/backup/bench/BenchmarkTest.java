package org.aiod.backup.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny run of the benchmark, so that bench/run.sh cannot rot; it measures nothing worth reading. */
class BenchmarkTest {

    @TempDir
    Path tmp;

    @Test
    void aTinyRunMeasuresEveryFigureOfBothDatasets() throws Exception {
        List<Benchmark.Row> rows = new Benchmark(tmp, 0.001, 1).run();
        assertEquals(12, rows.size(), Benchmark.table(rows));
        for (Benchmark.Row row : rows) {
            assertTrue(row.gnuSeconds() > 0 && row.engineSeconds() > 0, row.toString());
        }
        String table = Benchmark.table(rows);
        assertTrue(table.contains("| mixed | level 0, gzip (engine in a warm JVM) |"), table);
        assertTrue(table.contains("| many-small | restore level 0 (warm JVM, tmpfs) |"), table);
    }
}
