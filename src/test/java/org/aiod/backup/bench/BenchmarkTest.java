package org.aiod.backup.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

    /**
     * The profile's buckets from a fixture of stacks (leaf first) as JFR records them: samples before the first one
     * with an engine frame are the start-up, class loading anywhere in a stack wins after it, else the leaf-most frame
     * a rule knows; the page's "bound by" names the dominant buckets and the wall split is cut at the engine's start.
     */
    @Test
    void theProfileSortsSamplesIntoNamedBucketsByTheirStacks() {
        java.time.Instant t0 = java.time.Instant.parse("2026-11-30T12:00:00Z");
        List<Profile.Stack> stacks = new java.util.ArrayList<>();
        // 0.0-0.9 s: start-up, whatever the frames (the JVM reading its jar, Quarkus starting)
        for (int i = 0; i < 10; i++) {
            stacks.add(stack(t0.plusMillis(100 * i), "java.util.zip.Inflater.inflateBytesBytes",
                    "java.util.zip.ZipFile$ZipFileInflaterInputStream.read", "io.quarkus.runtime.Application.start"));
        }
        // from 1.0 s on: the engine
        for (int i = 0; i < 12; i++) {
            stacks.add(stack(t0.plusMillis(1000 + 10 * i), "java.util.zip.Deflater.deflateBytesBytes",
                    "java.util.zip.Deflater.deflate", "org.aiod.backup.engine.ParallelGzipOutputStream.deflate"));
        }
        stacks.add(stack(t0.plusMillis(1200), "sun.nio.fs.UnixNativeDispatcher.lstat0",
                "sun.nio.fs.UnixNativeDispatcher.lstat", "org.aiod.backup.engine.FileStat.of"));
        stacks.add(stack(t0.plusMillis(1210), "sun.nio.ch.FileDispatcherImpl.write0",
                "org.aiod.backup.engine.TarOutput.file"));
        stacks.add(stack(t0.plusMillis(1220), "java.lang.StringBuilder.append",
                "org.aiod.backup.engine.TarOutput.header"));
        stacks.add(stack(t0.plusMillis(1230), "sun.security.provider.SHA2.implCompress0",
                "java.security.MessageDigest.update", "org.aiod.backup.engine.Checksums.sha256"));
        stacks.add(stack(t0.plusMillis(1240), "java.util.zip.Inflater.inflateBytesBytes",
                "java.io.RandomAccessFile.readBytes", "io.quarkus.bootstrap.runner.RunnerClassLoader.loadClass",
                "org.aiod.backup.engine.Archiver.run", "io.quarkus.bootstrap.runner.QuarkusEntryPoint.main"));
        // the main thread's stacks all start in Quarkus's entry point: that is not class loading
        stacks.add(stack(t0.plusMillis(1250), "com.github.luben.zstd.ZstdOutputStreamNoFinalizer.compressStream",
                "org.aiod.backup.engine.Compressors.zstd", "io.quarkus.bootstrap.runner.QuarkusEntryPoint.main"));
        stacks.add(stack(t0.plusMillis(1260), "java.util.HashMap.put", "org.aiod.backup.engine.ChainTree.add"));
        stacks.add(stack(t0.plusMillis(1270), "java.lang.Object.hashCode", "java.lang.Thread.run"));

        Profile.Summary summary = Profile.summarise("cmd", stacks, t0.minusMillis(500), t0.plusMillis(3000));

        assertEquals(t0.plusMillis(1000), summary.engineStart());
        java.util.Map<String, Integer> buckets = new java.util.LinkedHashMap<>();
        summary.buckets().forEach(b -> buckets.put(b.name(), b.samples()));
        assertEquals(java.util.Map.of(Profile.DEFLATE, 12, Profile.STARTUP, 10, Profile.FILE_SYSTEM, 2, Profile.TAR, 1,
                Profile.HASHING, 1, Profile.CLASS_LOADING, 1, Profile.ZSTD, 1, Profile.ENGINE_OTHER, 1, Profile.OTHER, 1),
                buckets);
        assertEquals(List.of(Profile.DEFLATE, Profile.STARTUP), summary.buckets().stream().limit(2)
                .map(Profile.Share::name).toList(), "largest first");
        assertEquals(Profile.DEFLATE + " 40 %, " + Profile.STARTUP + " 33 %", summary.boundBy());
        assertEquals(1.5, summary.startupSeconds(), 1e-9);
        assertEquals(3.5, summary.wallSeconds(), 1e-9);
        assertEquals("java.util.zip.Deflater.deflateBytesBytes", summary.top().get(0).name());
        assertEquals(12, summary.top().get(0).samples());
        String lines = String.join("\n", Profile.lines(summary));
        assertTrue(lines.contains("start-up until the engine's first sample 1.50 s (43 %)"), lines);
        assertTrue(lines.contains("| " + Profile.DEFLATE + " | 12 | 40.0 % |"), lines);
    }

    /** A real recording (this JVM deflating and calling lstat) read back: its samples land in those two buckets. */
    @Test
    void aJfrRecordingIsReadAndItsDeflateAndLstatSamplesFoundByTheirBuckets() throws Exception {
        Path recording = tmp.resolve("rec.jfr");
        Trees.write(tmp.resolve("f.txt"), "x");
        try (jdk.jfr.Recording jfr = new jdk.jfr.Recording()) {
            // only the two sample events the page reads, at the profile settings' periods: a cheaper recording
            jfr.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
            jfr.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(20));
            jfr.start();
            byte[] input = new byte[1 << 20];
            new java.util.SplittableRandom(1).nextBytes(input);
            byte[] output = new byte[input.length + 1024];
            long end = System.nanoTime() + 400_000_000L;
            while (System.nanoTime() < end) {
                java.util.zip.Deflater deflater = new java.util.zip.Deflater(9);
                deflater.setInput(input);
                deflater.finish();
                deflater.deflate(output);
                deflater.end();
                for (int i = 0; i < 2000; i++) {
                    Files.readAttributes(tmp.resolve("f.txt"), "unix:mode,ino,nlink", java.nio.file.LinkOption.NOFOLLOW_LINKS);
                }
            }
            jfr.stop();
            jfr.dump(recording);
        }
        List<Profile.Stack> stacks = Profile.read(recording);
        Profile.Summary summary = Profile.summarise("cmd", stacks, null, null);
        java.util.Set<String> buckets = new java.util.HashSet<>();
        summary.buckets().forEach(b -> buckets.add(b.name()));
        assertTrue(summary.samples() > 10, summary.toString());
        assertTrue(buckets.contains(Profile.DEFLATE) && buckets.contains(Profile.FILE_SYSTEM), summary.toString());
        assertFalse(buckets.contains(Profile.STARTUP), "no engine frame, so no start-up cut: " + summary);
        assertTrue(Double.isNaN(summary.startupSeconds()));
    }

    private static Profile.Stack stack(java.time.Instant time, String... frames) {
        return new Profile.Stack(time, List.of(frames));
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
