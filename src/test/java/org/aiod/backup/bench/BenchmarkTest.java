package org.aiod.backup.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.aiod.backup.engine.testing.TreeSnapshot;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny run of the benchmark (the CLI's entry point from the test class path in place of the packaged jar, no
 * in-service rows), so that bench/run.sh cannot rot: every row's output must restore, by the tool that wrote it, to
 * the source tree. It measures nothing worth reading.
 */
class BenchmarkTest {

    @TempDir
    Path tmp;

    @Test
    void aTinyRunsRowsAllRestoreToTheSourceAndThePageSaysSo() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Benchmark.Settings settings = new Benchmark.Settings(tmp.resolve("work"),
                // C1 only and the serial collector: the tiny run starts the CLI's JVM some 30 times; they change no output
                List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                        "org.aiod.backup.cli.Main"), null,
                0.0005, 1, List.of("mixed"), List.of(1000), false, "BenchmarkTest");
        Benchmark.Outcome outcome = new Benchmark(settings).run();
        String page = Results.page(outcome);

        assertEquals(List.of(), outcome.failures(), page);
        List<String> rows = outcome.rows().stream().map(Benchmark.Row::what).toList();
        assertEquals(List.of("level 0, gzip, whole process",
                "level 0, gzip, whole process, against pigz on every core",
                "level 0, zstd, whole process",
                "full restore of level 0, whole process",
                "incremental, nothing changed, whole process",
                "incremental, 1 % of files changed, whole process",
                "incremental after renaming g5/ (10 % of the files), whole process (#16)",
                "restore of a 7-level chain (levels 0-6), whole process, against the legacy loop"), rows, page);
        List<Benchmark.Row> all = new java.util.ArrayList<>(outcome.rows());
        outcome.series().forEach(s -> all.addAll(s.rows()));
        assertEquals(5, outcome.series().get(0).rows().size(), page);
        for (Benchmark.Row row : all) {
            for (Benchmark.Side side : List.of(row.engine(), row.tar())) {
                // what each tool wrote was restored by that tool and compared file by file with the source
                assertEquals("restores", side.check(), row.what() + ", " + side.tool() + "\n" + page);
                assertTrue(side.samples().stream().allMatch(s -> s.wallSeconds() > 0 && s.cpuSeconds() >= 0
                        && s.rssKiB() > 0), row + "\n" + page);
                assertTrue(side.command().contains(side.tool().startsWith("engine") ? "org.aiod.backup.cli.Main"
                        : "tar"), side.command());
            }
        }
        Benchmark.Row rename = outcome.rows().get(6);
        assertTrue(rename.engine().archiveBytes() > 0 && rename.tar().archiveBytes() > 0, rename.toString());
        assertEquals(outcome.listener().pairs(), outcome.listener().listening().length);
        assertTrue(outcome.listener().reports() > 0, "the service's listener was called");

        assertFalse(page.contains("**FAILED**"), page);
        for (String section : List.of("## Summary", "## Where a target is not reached", "## Scale series",
                "## The progress listener's cost (#12)", "## Rows in detail", "- Commit: `", "- Machine: ",
                "GNU tar: tar (GNU tar)", "| mixed | level 0, gzip, whole process | ",
                "| 1000 | 1 % incremental at level 6 of a 7-level chain | ")) {
            assertTrue(page.contains(section), section + "\n" + page);
        }
    }

    /** A restored tree that differs from the source in one file's content is a FAILED row, naming the path. */
    @Test
    void aRestoreThatDiffersFromTheSourceIsFailed() throws Exception {
        Path source = tmp.resolve("source");
        Trees.write(source.resolve("a/b.txt"), "alpha");
        Trees.write(source.resolve("c.txt"), "gamma");
        Path restored = tmp.resolve("restored");
        Trees.copyTree(source, restored);
        TreeSnapshot expected = TreeSnapshot.of(source);
        assertEquals("restores", Benchmark.compare(expected, restored));

        long mtime = Trees.mtime(restored.resolve("a/b.txt"));
        Trees.write(restored.resolve("a/b.txt"), "alphX");
        Trees.setMtime(restored.resolve("a/b.txt"), mtime);
        String check = Benchmark.compare(expected, restored);
        assertTrue(check.startsWith("FAILED: 1 path(s) differ") && check.contains("a/b.txt"), check);
        Files.delete(restored.resolve("c.txt"));
        assertTrue(Benchmark.compare(expected, restored).startsWith("FAILED: 2 path(s) differ"));
    }

    /** A wrong command line is refused with exit 2 before anything is created; --help only prints. */
    @Test
    void theScriptRefusesABadCommandLineAndCreatesNothing() throws Exception {
        Path work = tmp.resolve("never");
        for (List<String> args : List.of(List.of("--bogus"), List.of("--runs", "0"), List.of("--series", "10x"),
                List.of("--scale", "-1"), List.of("--datasets", "nope"), List.of("--runs"), List.of("extra"))) {
            Process script = script(work, args);
            String err = new String(script.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(2, script.waitFor(), args + ": " + err);
            assertTrue(err.contains("bench/run.sh: ") && err.contains("--help"), err);
            assertFalse(Files.exists(work), args + " created " + work);
        }
        Process help = script(work, List.of("--help"));
        String out = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, help.waitFor());
        assertTrue(out.startsWith("Usage: bench/run.sh [options]"), out);
        assertFalse(Files.exists(work));
        assertFalse(Files.exists(Path.of("--help")), "no directory named --help");
    }

    private static Process script(Path work, List<String> args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("bash", "bench/run.sh", "--work", work.toString()));
        command.addAll(args);
        return new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
    }
}
