package org.aiod.backup.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.aiod.backup.engine.Engine;
import org.aiod.backup.engine.EngineOptions;
import org.aiod.backup.engine.RestoreSpec;
import org.aiod.backup.engine.testing.Trees;

/**
 * The engine against the legacy GNU tar command, side by side on the same data in one run: level 0, an incremental
 * with nothing changed, an incremental after changing 1 % of the files, and a full restore (on tmpfs where there
 * is one). Each figure is the median of {@code runs}; the engine is measured as a whole process (a cold JVM, as the
 * CLI runs) and inside a warm JVM (as the service runs). Prints a Markdown table.
 *
 * <p>{@code Benchmark <work-dir> [scale] [runs]}: scale 1 is the full size (about 1 GiB and 200k files).
 */
public final class Benchmark {

    /** One row: the legacy command's time and the engine's, in seconds, and peak RSS in MiB where known. */
    record Row(String dataset, String what, double gnuSeconds, double engineSeconds, long gnuRssMiB,
            long engineRssMiB) {
        double ratio() {
            return engineSeconds / gnuSeconds;
        }
    }

    private final Path work;
    private final double scale;
    private final int runs;
    private final boolean haveTime = Files.isExecutable(Path.of("/usr/bin/time"));

    Benchmark(Path work, double scale, int runs) {
        this.work = work;
        this.scale = scale;
        this.runs = runs;
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args.length > 0 ? args[0] : "target/bench");
        double scale = args.length > 1 ? Double.parseDouble(args[1]) : 1.0;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        List<Row> rows = new Benchmark(work, scale, runs).run();
        System.out.println(table(rows));
    }

    List<Row> run() throws Exception {
        List<Row> rows = new ArrayList<>();
        rows.addAll(measure("mixed", true));
        rows.addAll(measure("many-small", false));
        return rows;
    }

    static String table(List<Row> rows) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%s, %d cores, %s%n%n", System.getProperty("os.name"),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name") + " "
                        + System.getProperty("java.version")));
        out.append("| dataset | measurement | GNU tar (s) | engine (s) | engine / GNU tar | peak RSS GNU / engine (MiB) |\n");
        out.append("|---|---|---:|---:|---:|---:|\n");
        for (Row row : rows) {
            out.append(String.format("| %s | %s | %.3f | %.3f | %.2f | %s / %s |%n", row.dataset(), row.what(),
                    row.gnuSeconds(), row.engineSeconds(), row.ratio(), rss(row.gnuRssMiB()),
                    rss(row.engineRssMiB())));
        }
        return out.toString();
    }

    private static String rss(long mib) {
        return mib < 0 ? "?" : Long.toString(mib);
    }

    private List<Row> measure(String name, boolean mixed) throws Exception {
        Path base = work.resolve(name);
        Path source = base.resolve("source");
        Path dataset = source.resolve(name);
        if (!Files.isDirectory(dataset)) {
            Path partial = base.resolve("generating");
            Trees.deleteRecursively(partial);
            Path generated = partial.resolve(name);
            if (mixed) {
                Datasets.mixed(generated, scale);
            } else {
                Datasets.manySmall(generated, scale);
            }
            Files.createDirectories(source);
            Files.move(generated, dataset);
            Trees.deleteRecursively(partial);
        }
        Path tmpfs = Files.isWritable(Path.of("/dev/shm")) ? Files.createTempDirectory(Path.of("/dev/shm"), "bench-")
                : Files.createDirectories(base.resolve("restore"));
        try {
            return measure(name, base, source, dataset, tmpfs);
        } finally {
            Trees.deleteRecursively(tmpfs);
        }
    }

    private List<Row> measure(String name, Path base, Path source, Path dataset, Path tmpfs) throws Exception {
        Path gnu = base.resolve("gnu");
        Path cold = base.resolve("engine-cold");
        Path warm = base.resolve("engine-warm");
        List<Path> files = new ArrayList<>();
        try (var walk = Files.walk(dataset)) {
            walk.filter(Files::isRegularFile).forEach(files::add);
        }
        Engine engine = new Engine(EngineOptions.defaults(source, warm).withCycleLength(1000));
        // warm the JVM on this very data, as a service that has run before would be
        Trees.deleteRecursively(warm);
        engine.backup(name);

        Map<String, List<double[]>> samples = new LinkedHashMap<>();
        SplittableRandom random = new SplittableRandom(99);
        for (int run = 0; run < runs; run++) {
            Trees.deleteRecursively(gnu);
            Files.createDirectories(gnu);
            Trees.deleteRecursively(cold);
            Trees.deleteRecursively(warm);
            double[] gnu0 = timed(source, List.of("tar", "-czf", gnu.resolve(name + "0.tar.gz").toString(),
                    "--listed-incremental=" + gnu.resolve(name + ".snar"), "./" + name));
            double[] cold0 = timed(source, java("backup", source.toString(), cold.toString(), name));
            double[] warm0 = inProcess(() -> engine.backup(name));
            add(samples, "level 0, gzip (engine in a cold JVM, -Xmx256m)", gnu0, cold0);
            add(samples, "level 0, gzip (engine in a warm JVM)", gnu0, warm0);
            Path zstd = base.resolve("engine-zstd");
            Trees.deleteRecursively(zstd);
            Engine zstdEngine = new Engine(EngineOptions.defaults(source, zstd).withCycleLength(1000)
                    .withCompression(org.aiod.backup.engine.Compression.ZSTD));
            double[] zstd0 = inProcess(() -> zstdEngine.backup(name));
            add(samples, "level 0, engine zstd (warm JVM) against the legacy gzip command", gnu0, zstd0);
            Trees.deleteRecursively(zstd);

            int level = 1 + 2 * run;
            double[] gnuSame = gnuIncremental(source, gnu, name, level);
            double[] warmSame = inProcess(() -> engine.backup(name));
            add(samples, "incremental, nothing changed (warm JVM)", gnuSame, warmSame);

            int changes = Math.max(1, files.size() / 100);
            for (int i = 0; i < changes; i++) {
                Path file = files.get(random.nextInt(files.size()));
                Files.write(file, new byte[] {(byte) i}, java.nio.file.StandardOpenOption.APPEND);
            }
            double[] gnuChanged = gnuIncremental(source, gnu, name, level + 1);
            double[] warmChanged = inProcess(() -> engine.backup(name));
            add(samples, "incremental, 1 % of files changed (warm JVM)", gnuChanged, warmChanged);

            Path gnuDest = Files.createDirectories(tmpfs.resolve("gnu-" + run));
            double[] gnuRestore = timed(gnuDest, List.of("tar", "--directory=" + gnuDest, "--extract",
                    "--file=" + gnu.resolve(name + "0.tar.gz"), "--listed-incremental=/dev/null"));
            Trees.deleteRecursively(gnuDest);
            Path engineDest = Files.createDirectories(tmpfs.resolve("engine-" + run));
            Engine restorer = new Engine(EngineOptions.defaults(engineDest, cold));
            double[] warmRestore = inProcess(() -> restorer.restore(new RestoreSpec(name, 0, 0)));
            Trees.deleteRecursively(engineDest);
            add(samples, "restore level 0 (warm JVM, tmpfs)", gnuRestore, warmRestore);
        }
        List<Row> rows = new ArrayList<>();
        samples.forEach((what, pairs) -> rows.add(new Row(name, what, median(pairs, 0), median(pairs, 2),
                (long) median(pairs, 1), (long) median(pairs, 3))));
        return rows;
    }

    private double[] gnuIncremental(Path source, Path gnu, String name, int level) throws Exception {
        return timed(source, List.of("tar", "-czf", gnu.resolve(name + level + ".tar.gz").toString(),
                "--listed-incremental=" + gnu.resolve(name + ".snar"), "./" + name));
    }

    private List<String> java(String... args) {
        // the whole process as the CLI or the image runs it, with the heap the memory target allows
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx256m", "--add-opens", "java.base/sun.nio.fs=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), EngineMain.class.getName()));
        command.addAll(Arrays.asList(args));
        return command;
    }

    /** Seconds and peak RSS in MiB (-1 when /usr/bin/time is missing) of a command. */
    private double[] timed(Path dir, List<String> command) throws Exception {
        List<String> full = new ArrayList<>();
        Path rssFile = Files.createTempFile(work, "rss-", ".txt");
        if (haveTime) {
            full.addAll(List.of("/usr/bin/time", "-f", "%M", "-o", rssFile.toString()));
        }
        full.addAll(command);
        long start = System.nanoTime();
        Process process = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (exit != 0) {
            throw new IOException(String.join(" ", command) + " exited " + exit + ": " + output);
        }
        long rss = -1;
        if (haveTime) {
            String text = Files.readString(rssFile).trim();
            rss = Long.parseLong(text.substring(text.lastIndexOf('\n') + 1).trim()) / 1024;
        }
        Files.deleteIfExists(rssFile);
        return new double[] {seconds, rss};
    }

    interface Action {
        void run() throws Exception;
    }

    private static double[] inProcess(Action action) throws Exception {
        long start = System.nanoTime();
        action.run();
        return new double[] {(System.nanoTime() - start) / 1e9, peakRssMiB()};
    }

    /** This JVM's peak resident set since it started (VmHWM). */
    private static long peakRssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    private static void add(Map<String, List<double[]>> samples, String what, double[] gnu, double[] engine) {
        samples.computeIfAbsent(what, k -> new ArrayList<>()).add(new double[] {gnu[0], gnu[1], engine[0], engine[1]});
    }

    private static double median(List<double[]> samples, int index) {
        double[] values = samples.stream().mapToDouble(s -> s[index]).sorted().toArray();
        return values[values.length / 2];
    }
}
