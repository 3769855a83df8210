package org.aiod.backup.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.aiod.backup.bench.Measure.Sample;
import org.aiod.backup.engine.Engine;
import org.aiod.backup.engine.EngineOptions;
import org.aiod.backup.engine.ProgressListener;
import org.aiod.backup.engine.testing.TreeSnapshot;
import org.aiod.backup.engine.testing.Trees;

/**
 * The engine against GNU tar, side by side on the same seeded data in one run, each tool run as a process as a user
 * runs it (the CLI as the README shows it against the legacy {@code tar} commands), plus the running service through
 * its HTTP API, a scale series of small files under {@code -Xmx256m}, and the progress listener's cost. Every output
 * is restored by the tool that wrote it and compared with the source tree; {@link Results} writes the page.
 * {@code bench/run.sh} is the way in; {@code --help} there lists the settings.
 */
public final class Benchmark {

    /**
     * What to run. {@code engine} is how the engine's CLI is started: {@code java -jar quarkus-run.jar} for the
     * page, the same entry point from the test class path in {@code BenchmarkTest}. {@code serviceJar} null: no
     * in-service rows.
     */
    record Settings(Path work, List<String> engine, Path serviceJar, double scale, int runs, List<String> datasets,
            List<Integer> series, boolean profile, String invocation) {
    }

    /** One tool's side of a row: its command, its samples, the size of what it wrote and whether that restores. */
    record Side(String tool, String command, List<Sample> samples, Long archiveBytes, String check) {
        double[] walls() {
            return samples.stream().mapToDouble(Sample::wallSeconds).toArray();
        }

        double medianWall() {
            return Measure.median(walls());
        }

        double medianCpu() {
            return Measure.median(samples.stream().mapToDouble(Sample::cpuSeconds).toArray());
        }

        long maxRssKiB() {
            return samples.stream().mapToLong(Sample::rssKiB).max().orElse(-1);
        }

        boolean failed() {
            return check != null && check.startsWith("FAILED");
        }
    }

    /** A row: the engine against GNU tar, and the target for engine / tar where it sets one. */
    record Row(String section, String what, Side engine, Side tar, Double target, String note) {
        double ratio() {
            return engine.medianWall() / tar.medianWall();
        }

        boolean failed() {
            return engine.failed() || tar.failed();
        }
    }

    /** A scale-series figure: files, and the rows measured at that size. */
    record SeriesSize(int files, List<Row> rows) {
    }

    /** The listener row: samples of the same backup without and with the service's listener. */
    record ListenerCost(int files, int pairs, double[] none, double[] listening, long reports) {
    }

    /** The JFR profile of one more engine run of a row that missed its target ({@code --profile}). */
    record Bound(String section, String what, Profile.Summary summary, String error) {
    }

    /** Everything one run measured. */
    record Outcome(Settings settings, String loadAtStart, List<Row> rows, List<SeriesSize> series,
            ListenerCost listener, List<Bound> bounds, List<String> failures) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Settings settings;
    private final Measure measure;
    private final Path work;
    private final List<Row> rows = new ArrayList<>();
    private final List<SeriesSize> series = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final List<Bound> bounds = new ArrayList<>();
    private ListenerCost listener;

    Benchmark(Settings settings) throws IOException {
        this.settings = settings;
        this.work = settings.work().toAbsolutePath();
        Files.createDirectories(work.resolve("scratch"));
        this.measure = new Measure(work.resolve("scratch"), work);
    }

    /** {@code Benchmark <page> key=value...}: the keys are {@link #parse}'s; run.sh validates them first. */
    public static void main(String[] args) throws Exception {
        Path page = Path.of(args[0]);
        Settings settings = parse(List.of(args).subList(1, args.length));
        Outcome outcome = new Benchmark(settings).run();
        String text = Results.page(outcome);
        Files.writeString(page, text, StandardCharsets.UTF_8);
        System.out.println("wrote " + page + (outcome.failures().isEmpty() ? ""
                : " with " + outcome.failures().size() + " FAILED row(s)"));
        System.exit(outcome.failures().isEmpty() ? 0 : 1);
    }

    static Settings parse(List<String> args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("not key=value: " + arg);
            }
            values.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        Path jar = Path.of(values.get("jar")).toAbsolutePath();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Integer> sizes = new ArrayList<>();
        for (String size : values.getOrDefault("series", "").split(",")) {
            if (!size.isBlank()) {
                sizes.add(seriesSize(size));
            }
        }
        List<String> datasets = new ArrayList<>();
        for (String name : values.getOrDefault("datasets", "").split(",")) {
            if (!name.isBlank()) {
                datasets.add(name);
            }
        }
        return new Settings(Path.of(values.get("work")), List.of(java, "-jar", jar.toString()),
                Boolean.parseBoolean(values.getOrDefault("service", "true")) ? jar : null,
                Double.parseDouble(values.get("scale")), Integer.parseInt(values.get("runs")), datasets, sizes,
                Boolean.parseBoolean(values.getOrDefault("profile", "false")), values.getOrDefault("invocation", ""));
    }

    /** {@code 10k}, {@code 100k}, {@code 1m} or a plain count. */
    static int seriesSize(String text) {
        String t = text.trim().toLowerCase();
        if (t.endsWith("k")) {
            return Integer.parseInt(t.substring(0, t.length() - 1)) * 1000;
        }
        if (t.endsWith("m")) {
            return Integer.parseInt(t.substring(0, t.length() - 1)) * 1_000_000;
        }
        return Integer.parseInt(t);
    }

    Outcome run() throws Exception {
        String load = Files.readString(Path.of("/proc/loadavg")).strip();
        for (String dataset : settings.datasets()) {
            dataset(dataset);
        }
        for (int files : settings.series()) {
            series(files);
        }
        if (!settings.series().isEmpty()) {
            // a small dataset is enough to see a per-file cost, and keeps a million-file run from doing it 16 times
            listenerCost(Math.min(10_000, Collections.min(settings.series())));
        }
        return new Outcome(settings, load, List.copyOf(rows), List.copyOf(series), listener, List.copyOf(bounds),
                List.copyOf(failures));
    }

    // ---------------------------------------------------------------------------------------------- the tools

    /** How each tool writes and restores; {@code state} is a directory of its own (a backup root, or tar's files). */
    enum Tool {
        ENGINE_GZIP("engine CLI, gzip"), ENGINE_ZSTD("engine CLI, zstd"), TAR_LEGACY("legacy tar -czf -g"),
        TAR_PIGZ("tar -I pigz -g"), TAR_ZSTD("tar --zstd -g");

        final String label;

        Tool(String label) {
            this.label = label;
        }

        boolean engine() {
            return this == ENGINE_GZIP || this == ENGINE_ZSTD;
        }

        String suffix() {
            return this == ENGINE_ZSTD || this == TAR_ZSTD ? ".tar.zst" : ".tar.gz";
        }
    }

    /** A command with the environment and JVM options it needs. */
    record Command(Map<String, String> env, List<String> words) {
    }

    private Command backupCommand(Tool tool, Path source, String dataset, Path state, int level, List<String> jvm) {
        String archive = state.resolve(dataset + level + tool.suffix()).toString();
        String snar = "--listed-incremental=" + state.resolve(dataset + ".snar");
        return switch (tool) {
            case TAR_LEGACY -> new Command(Map.of(), List.of("tar", "-czf", archive, snar, "./" + dataset));
            case TAR_PIGZ -> new Command(Map.of(), List.of("tar", "-I", "pigz", "-cf", archive, snar, "./" + dataset));
            case TAR_ZSTD -> new Command(Map.of(), List.of("tar", "--zstd", "-cf", archive, snar, "./" + dataset));
            case ENGINE_GZIP, ENGINE_ZSTD -> {
                List<String> extra = new ArrayList<>(jvm);
                if (tool == Tool.ENGINE_ZSTD) {
                    extra.add("-Dbackup.compression=zstd");
                }
                yield new Command(Map.of(), engine(extra, "backup", dataset, "--data-root", source.toString(),
                        "--backup-root", state.toString()));
            }
        };
    }

    /** Restores levels 0..level of {@code state} so that {@code dest/<dataset>} is the dataset. */
    private Command restoreCommand(Tool tool, Path source, String dataset, Path state, int level, Path dest,
            List<String> jvm) {
        if (tool.engine()) {
            return new Command(Map.of(), engine(jvm, "restore", dataset, "0", Integer.toString(level), "--to",
                    dest.resolve(dataset).toString(), "--data-root", source.toString(), "--backup-root",
                    state.toString()));
        }
        if (level == 0) {
            return new Command(Map.of(), List.of("tar", "--directory=" + dest, "--extract",
                    "--file=" + state.resolve(dataset + "0" + tool.suffix()), "--listed-incremental=/dev/null"));
        }
        // the legacy restore: every level of the chain in order, as restore.sh does
        return new Command(Map.of(), List.of("bash", "-c", "for i in $(seq 0 " + level + "); do tar --directory="
                + dest + " --extract --file=" + state.resolve(dataset) + "$i" + tool.suffix()
                + " --listed-incremental=/dev/null || exit 1; done"));
    }

    private List<String> engine(List<String> jvm, String... args) {
        List<String> words = new ArrayList<>();
        words.add(settings.engine().get(0));
        words.addAll(jvm);
        words.addAll(settings.engine().subList(1, settings.engine().size()));
        words.addAll(List.of(args));
        return words;
    }

    /** The archive of {@code level} a tool wrote into {@code state} (the engine's in its newest cycle). */
    private static Path archive(Tool tool, Path state, String dataset, int level) throws IOException {
        String name = dataset + level + tool.suffix();
        if (!tool.engine()) {
            return state.resolve(name);
        }
        try (Stream<Path> walk = Files.walk(state.resolve(dataset))) {
            return walk.filter(p -> p.getFileName().toString().equals(name)).max(Path::compareTo)
                    .orElseThrow(() -> new IOException("no " + name + " under " + state));
        }
    }

    // ---------------------------------------------------------------------------------------------- datasets

    private Path generate(String name, Generator generator) throws IOException {
        Path root = work.resolve("data").resolve(name);
        Path dataset = root.resolve(name);
        Path marker = root.resolve(".generated");
        if (!Files.exists(marker)) {
            Trees.deleteRecursively(root);
            log("generating " + name);
            generator.generate(dataset);
            Files.writeString(marker, "done");
        }
        return root;
    }

    interface Generator {
        void generate(Path dir) throws IOException;
    }

    /** A fresh copy of the generated data, so that the changes of one run never reach the next. */
    private Path workingCopy(Path generated, String name) throws IOException {
        Path copy = work.resolve("source").resolve(name);
        Trees.deleteRecursively(copy);
        Files.createDirectories(copy);
        Trees.copyTree(generated.resolve(name), copy.resolve(name));
        return copy;
    }

    /** Appends a byte to 1 % of the files (at least one), chosen by {@code seed}. */
    private void changeOnePercent(Path dataset, long seed) throws IOException {
        Trees.tick(work.resolve("scratch"));
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dataset)) {
            files = new ArrayList<>(walk.filter(Files::isRegularFile).sorted().toList());
        }
        Collections.shuffle(files, new java.util.Random(seed));
        for (Path file : files.subList(0, Math.max(1, files.size() / 100))) {
            Files.write(file, new byte[] {(byte) seed}, StandardOpenOption.APPEND);
        }
    }

    // ---------------------------------------------------------------------------------------------- whole-process rows

    private void dataset(String name) throws Exception {
        double scale = settings.scale();
        Path generated = generate(name, dir -> {
            if (name.equals("mixed")) {
                Datasets.mixed(dir, scale);
            } else {
                Datasets.manySmall(dir, scale);
            }
        });
        Path source = workingCopy(generated, name);
        Path data = source.resolve(name);
        String section = name;
        Path out = cleanDir(work.resolve("out").resolve(name));
        try {
            TreeSnapshot level0Tree = TreeSnapshot.of(data);
            // level 0 of every tool; the first sample of each is kept as the base of the incrementals
            Map<Tool, List<Sample>> level0 = new LinkedHashMap<>();
            Map<Tool, String> level0Command = new LinkedHashMap<>();
            for (int run = 0; run < settings.runs(); run++) {
                for (Tool tool : Tool.values()) {
                    Path state = cleanDir(out.resolve(tool + "-0-" + run));
                    Command command = backupCommand(tool, source, name, state, 0, List.of());
                    log(name + " level 0, " + tool.label + ", run " + (run + 1));
                    level0.computeIfAbsent(tool, t -> new ArrayList<>()).add(run(source, command));
                    level0Command.put(tool, measure.shell(command.env(), command.words()));
                    if (run > 0) {
                        Trees.deleteRecursively(state);
                    }
                }
            }
            Map<Tool, Side> level0Sides = new LinkedHashMap<>();
            for (Tool tool : Tool.values()) {
                Path state = out.resolve(tool + "-0-0");
                level0Sides.put(tool, new Side(tool.label, level0Command.get(tool), level0.get(tool),
                        Files.size(archive(tool, state, name, 0)), check(tool, source, name, state, 0, level0Tree)));
            }
            Row gzip = new Row(section, "level 0, gzip, whole process", level0Sides.get(Tool.ENGINE_GZIP),
                    level0Sides.get(Tool.TAR_LEGACY), 0.47, null);
            rows.add(gzip);
            rows.add(new Row(section, "level 0, gzip, whole process, against pigz on every core",
                    level0Sides.get(Tool.ENGINE_GZIP), level0Sides.get(Tool.TAR_PIGZ), null,
                    "pigz's bound: the issue puts it at about 0.43 of the legacy command on 2 cores"));
            Row zstd = new Row(section, "level 0, zstd, whole process", level0Sides.get(Tool.ENGINE_ZSTD),
                    level0Sides.get(Tool.TAR_ZSTD), 0.6, null);
            rows.add(zstd);
            for (Row row : List.of(gzip, zstd)) {
                if (missed(row)) {
                    Path state = cleanDir(out.resolve("profile"));
                    profiled(row, source, backupCommand(row == gzip ? Tool.ENGINE_GZIP : Tool.ENGINE_ZSTD, source,
                            name, state, 0, List.of()));
                    Trees.deleteRecursively(state);
                }
            }
            if (settings.serviceJar() != null) {
                rows.add(inService(section, source, name, level0Sides.get(Tool.TAR_LEGACY), level0Tree));
            }

            Tool[] pair = {Tool.ENGINE_GZIP, Tool.TAR_LEGACY};
            rows.add(restoreRow(section, "full restore of level 0, whole process", source, name, out, pair, 0,
                    level0Tree, 0.5, List.of()));

            // incrementals: each sample starts from a copy of the previous level's state; the first is kept
            rows.add(incrementalRow(section, "incremental, nothing changed, whole process", source, name, out, 1,
                    level0Tree, 0.8, null, List.of()));
            changeOnePercent(data, 1);
            TreeSnapshot level1Tree = TreeSnapshot.of(data);
            rows.add(incrementalRow(section, "incremental, 1 % of files changed, whole process", source, name, out,
                    1, level1Tree, 0.8, null, List.of()));
            Trees.tick(work.resolve("scratch"));
            String moved = Datasets.tenthDirectory(name);
            Files.move(data.resolve(moved), data.resolve(moved + "-moved"));
            TreeSnapshot level2Tree = TreeSnapshot.of(data);
            rows.add(incrementalRow(section, "incremental after renaming " + moved + "/ (10 % of the files), whole "
                    + "process (#16)", source, name, out, 2, level2Tree, null,
                    "the archive sizes show how much of the moved directory each tool wrote again", List.of()));
            for (int level = 3; level <= 6; level++) {
                changeOnePercent(data, level);
                for (Tool tool : pair) {
                    Path state = out.resolve(tool + "-" + (level - 1) + "-0");
                    Path next = copyState(state, out.resolve(tool + "-" + level + "-0"));
                    run(source, backupCommand(tool, source, name, next, level, List.of()));
                    Trees.tick(work.resolve("scratch"));
                }
            }
            TreeSnapshot level6Tree = TreeSnapshot.of(data);
            rows.add(restoreRow(section, "restore of a 7-level chain (levels 0-6), whole process, against the legacy"
                    + " loop", source, name, out, pair, 6, level6Tree, 0.6, List.of()));
        } catch (Exception e) {
            failures.add(name + ": " + e);
            rows.add(failedRow(section, "the rest of " + name, e));
        } finally {
            Trees.deleteRecursively(out);
            Trees.deleteRecursively(source);
        }
    }

    private static Row failedRow(String section, String what, Exception e) {
        Side none = new Side("-", "-", List.of(new Sample(Double.NaN, Double.NaN, -1)), null,
                "FAILED: " + e.toString().replace('\n', ' '));
        return new Row(section, what, none, none, null, null);
    }

    /**
     * {@code runs} samples of level {@code level} by the engine and by the legacy command, each from a copy of the
     * state holding levels 0..level-1; the first sample's state is kept as the base of the next level.
     */
    private Row incrementalRow(String section, String what, Path source, String dataset, Path out, int level,
            TreeSnapshot expected, Double target, String note, List<String> jvm) throws Exception {
        return incrementalRow(section, what, source, dataset, out, level, expected, target, note, jvm, true);
    }

    /**
     * {@code check} false: the row's outputs are left unchecked here because a restore row of the same states and the
     * same expected tree follows and checks them ({@link #checkedBy}); a million-file restore and tree comparison
     * less per tool.
     */
    private Row incrementalRow(String section, String what, Path source, String dataset, Path out, int level,
            TreeSnapshot expected, Double target, String note, List<String> jvm, boolean check) throws Exception {
        Tool[] pair = {Tool.ENGINE_GZIP, Tool.TAR_LEGACY};
        Map<Tool, Side> sides = new LinkedHashMap<>();
        Map<Tool, List<Sample>> samples = new LinkedHashMap<>();
        Map<Tool, String> commands = new LinkedHashMap<>();
        for (int run = 0; run < settings.runs(); run++) {
            for (Tool tool : pair) {
                Path base = out.resolve(tool + "-" + (level - 1) + "-0");
                Path state = copyState(base, out.resolve(tool + "-" + level + "-" + run));
                Command command = backupCommand(tool, source, dataset, state, level, jvm);
                log(dataset + " " + what + ", " + tool.label + ", run " + (run + 1));
                samples.computeIfAbsent(tool, t -> new ArrayList<>()).add(run(source, command));
                commands.put(tool, measure.shell(command.env(), command.words()));
                if (run > 0) {
                    Trees.deleteRecursively(state);
                }
            }
        }
        Trees.tick(work.resolve("scratch"));
        for (Tool tool : pair) {
            Path state = out.resolve(tool + "-" + level + "-0");
            sides.put(tool, new Side(tool.label, commands.get(tool), samples.get(tool),
                    Files.size(archive(tool, state, dataset, level)),
                    check ? check(tool, source, dataset, state, level, expected, jvm) : null));
        }
        Row row = new Row(section, what, sides.get(Tool.ENGINE_GZIP), sides.get(Tool.TAR_LEGACY), target, note);
        if (missed(row)) {
            Path state = copyState(out.resolve(Tool.ENGINE_GZIP + "-" + (level - 1) + "-0"), out.resolve("profile"));
            profiled(row, source, backupCommand(Tool.ENGINE_GZIP, source, dataset, state, level, jvm));
            Trees.deleteRecursively(state);
        }
        return row;
    }

    /**
     * An incremental row left unchecked, with the checks of the restore row that restored its very states (levels
     * 0..level of the first sample's state of each tool) and compared them with the same expected tree.
     */
    private static Row checkedBy(Row incremental, Row restore) {
        Side engine = incremental.engine();
        Side tar = incremental.tar();
        return new Row(incremental.section(), incremental.what(),
                new Side(engine.tool(), engine.command(), engine.samples(), engine.archiveBytes(),
                        restore.engine().check()),
                new Side(tar.tool(), tar.command(), tar.samples(), tar.archiveBytes(), restore.tar().check()),
                incremental.target(), incremental.note());
    }

    /** {@code runs} timed restores of levels 0..level by each tool; every one is compared with {@code expected}. */
    private Row restoreRow(String section, String what, Path source, String dataset, Path out, Tool[] pair, int level,
            TreeSnapshot expected, Double target, List<String> jvm) throws Exception {
        Map<Tool, List<Sample>> samples = new LinkedHashMap<>();
        Map<Tool, String> commands = new LinkedHashMap<>();
        Map<Tool, String> checks = new LinkedHashMap<>();
        for (int run = 0; run < settings.runs(); run++) {
            for (Tool tool : pair) {
                Path state = out.resolve(tool + "-" + level + "-0");
                Path dest = cleanDir(work.resolve("restore"));
                Command command = restoreCommand(tool, source, dataset, state, level, dest, jvm);
                log(dataset + " " + what + ", " + tool.label + ", run " + (run + 1));
                samples.computeIfAbsent(tool, t -> new ArrayList<>()).add(run(dest, command));
                commands.put(tool, measure.shell(command.env(), command.words()));
                if (run == 0) {
                    checks.put(tool, compare(expected, dest.resolve(dataset)));
                }
                Trees.deleteRecursively(dest);
            }
        }
        Side engine = new Side(pair[0].label, commands.get(pair[0]), samples.get(pair[0]), null, checks.get(pair[0]));
        Side tar = new Side(pair[1].label, commands.get(pair[1]), samples.get(pair[1]), null, checks.get(pair[1]));
        Row row = new Row(section, what, engine, tar, target, null);
        if (missed(row)) {
            Path dest = cleanDir(work.resolve("restore"));
            profiled(row, dest, restoreCommand(pair[0], source, dataset, out.resolve(pair[0] + "-" + level + "-0"),
                    level, dest, jvm));
            Trees.deleteRecursively(dest);
        }
        return row;
    }

    /** Whether levels 0..level of {@code state}, restored by the tool that wrote them, give {@code expected}. */
    private String check(Tool tool, Path source, String dataset, Path state, int level, TreeSnapshot expected)
            throws Exception {
        return check(tool, source, dataset, state, level, expected, List.of());
    }

    private String check(Tool tool, Path source, String dataset, Path state, int level, TreeSnapshot expected,
            List<String> jvm) throws Exception {
        Path dest = cleanDir(work.resolve("check"));
        try {
            run(dest, restoreCommand(tool, source, dataset, state, level, dest, jvm));
            return compare(expected, dest.resolve(dataset));
        } catch (IOException e) {
            return "FAILED: the restore failed: " + e.getMessage().replace('\n', ' ');
        } finally {
            Trees.deleteRecursively(dest);
        }
    }

    /** "restores" when the trees are equal (paths, types, modes, mtimes, sizes, SHA-256), else FAILED and why. */
    static String compare(TreeSnapshot expected, Path restored) throws IOException {
        if (!Files.isDirectory(restored)) {
            return "FAILED: nothing restored at " + restored;
        }
        List<String> differences = TreeSnapshot.of(restored).differencesFrom(expected);
        if (differences.isEmpty()) {
            return "restores";
        }
        return "FAILED: " + differences.size() + " path(s) differ, first: " + differences.get(0);
    }

    private Sample run(Path dir, Command command) throws IOException, InterruptedException {
        return measure.run(dir, command.env(), command.words());
    }

    /** A copy of a tool's state for one more level: archives hard-linked (never rewritten), the rest copied. */
    private static Path copyState(Path from, Path to) throws IOException {
        Trees.deleteRecursively(to);
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir)));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path target = to.resolve(from.relativize(file));
                String name = file.getFileName().toString();
                if (name.endsWith(".tar.gz") || name.endsWith(".tar.zst")) {
                    Files.createLink(target, file);
                } else {
                    Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return to;
    }

    private static Path cleanDir(Path dir) throws IOException {
        Trees.deleteRecursively(dir);
        return Files.createDirectories(dir);
    }

    private static void log(String message) {
        System.out.printf("[%tT] %s%n", System.currentTimeMillis(), message);
    }

    // ---------------------------------------------------------------------------------------------- profile

    /** With {@code --profile}: whether a row's engine side gets a profiled run (a row with a target it missed). */
    private boolean missed(Row row) {
        return settings.profile() && !row.failed() && row.target() != null && row.ratio() > row.target();
    }

    /**
     * One more run of a row's engine command (not one of its samples) with a JFR recording (the profile settings,
     * deep stacks), summarised by {@link Profile}: the benchmark's clock around the process gives the wall time, the
     * recording's first sample with an engine frame the end of the start-up.
     */
    private void profiled(Row row, Path dir, Command plain) throws Exception {
        Path recording = work.resolve("scratch").resolve("profile.jfr");
        Files.deleteIfExists(recording);
        String options = "-XX:FlightRecorderOptions=stackdepth=256 -XX:StartFlightRecording=filename=%s,"
                + "settings=profile,dumponexit=true";
        log(row.section() + " " + row.what() + ", engine under JFR");
        String command = measure.shell(Map.of("JAVA_TOOL_OPTIONS", options.formatted("profile.jfr")), plain.words());
        try {
            Instant launched = Instant.now();
            run(dir, new Command(Map.of("JAVA_TOOL_OPTIONS", options.formatted(recording)), plain.words()));
            Instant exited = Instant.now();
            bounds.add(new Bound(row.section(), row.what(), Profile.summarise(command, Profile.read(recording),
                    launched, exited), null));
        } catch (IOException e) {
            // the row's samples stand; the page says that its profile is missing and why
            bounds.add(new Bound(row.section(), row.what(), null, "`" + command + "` failed: "
                    + e.getMessage().replace('\n', ' ')));
        } finally {
            Files.deleteIfExists(recording);
        }
    }

    // ---------------------------------------------------------------------------------------------- in-service rows

    /**
     * The packaged service in the prod profile, as the README starts it (embedded broker, a hashed Basic user),
     * asked for backups over HTTP; the samples are the job's own timings ({@code startedAt} to {@code finishedAt});
     * CPU is the service process's from {@code /proc}, RSS its peak resident set (VmHWM). Cycle length 1, so every
     * backup is a level 0 of a cycle of its own.
     */
    private Row inService(String section, Path source, String dataset, Side tar, TreeSnapshot expected)
            throws Exception {
        Path root = cleanDir(work.resolve("service"));
        int port = freePort();
        int brokerPort = freePort();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("BACKUP_DATA_ROOT", source.toString());
        env.put("BACKUP_BACKUP_ROOT", root.resolve("backups").toString());
        env.put("BACKUP_CYCLE_LENGTH", "1");
        env.put("BACKUP_SCHEDULE_CRON", "off");
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("BACKUP_BROKER_PORT", Integer.toString(brokerPort));
        env.put("QUARKUS_SECURITY_USERS_EMBEDDED_USERS_BENCH", HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-512").digest("bench:Quarkus:bench".getBytes(StandardCharsets.UTF_8))));
        env.put("QUARKUS_SECURITY_USERS_EMBEDDED_ROLES_BENCH", "backup-admin");
        List<String> words = List.of(settings.engine().get(0), "-jar", settings.serviceJar().toString());
        ProcessBuilder builder = new ProcessBuilder(words).redirectErrorStream(true)
                .redirectOutput(root.resolve("service.log").toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("BACKUP_") || k.startsWith("QUARKUS_")
                || k.equals("JAVA_TOOL_OPTIONS"));
        builder.environment().putAll(env);
        Files.createDirectories(root.resolve("backups"));
        log(dataset + " starting the service");
        Process service = builder.start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String base = "http://localhost:" + port;
        String auth = "Basic " + Base64.getEncoder().encodeToString("bench:bench".getBytes(StandardCharsets.UTF_8));
        List<Sample> samples = new ArrayList<>();
        String check = null;
        Long size = null;
        try {
            awaitReady(http, base, service, root.resolve("service.log"));
            for (int run = 0; run < settings.runs(); run++) {
                log(dataset + " level 0 in the service, run " + (run + 1));
                double cpuBefore = cpuSeconds(service.pid());
                HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(base + "/api/backups"))
                        .header("Authorization", auth).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"dataset\":\"" + dataset + "\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (posted.statusCode() != 202) {
                    throw new IOException("POST /api/backups answered " + posted.statusCode() + ": " + posted.body());
                }
                String id = JSON.readTree(posted.body()).get("jobId").asText();
                JsonNode job = awaitJob(http, base, auth, id);
                if (!job.get("status").asText().equals("SUCCEEDED")) {
                    throw new IOException("job " + id + " ended " + job);
                }
                double seconds = Duration.between(Instant.parse(job.get("startedAt").asText()),
                        Instant.parse(job.get("finishedAt").asText())).toNanos() / 1e9;
                samples.add(new Sample(seconds, cpuSeconds(service.pid()) - cpuBefore, peakRssKiB(service.pid())));
                if (run == 0) {
                    Path archive = root.resolve("backups").resolve(job.get("archive").asText());
                    if (!Files.isRegularFile(archive)) {
                        archive = Path.of(job.get("archive").asText());
                    }
                    size = Files.size(archive);
                    // the service's archive restored by GNU tar, the legacy restore
                    Path dest = cleanDir(work.resolve("check"));
                    run(dest, new Command(Map.of(), List.of("tar", "--directory=" + dest, "--extract",
                            "--file=" + archive, "--listed-incremental=/dev/null")));
                    check = compare(expected, dest.resolve(dataset)) + " (checked with GNU tar's restore)";
                    Trees.deleteRecursively(dest);
                }
            }
        } finally {
            service.destroy();
            if (!service.waitFor(30, TimeUnit.SECONDS)) {
                service.destroyForcibly();
            }
            Trees.deleteRecursively(root);
        }
        String command = measure.shell(env, words).replaceAll("USERS_BENCH=[0-9a-f]+", "USERS_BENCH=<sha512>")
                + "; then POST /api/backups {\"dataset\":\"" + dataset + "\"} (Basic auth, a backup-admin) and GET "
                + "/api/jobs/{id} every 50 ms until it ends";
        Side engine = new Side("the service over HTTP (job startedAt to finishedAt)", command, samples, size, check);
        return new Row(section, "level 0, gzip, in the running service (HTTP job timings) against the legacy "
                + "command as a process", engine, tar, null, "the service's JVM is warm after its first job");
    }

    private static void awaitReady(HttpClient http, String base, Process service, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            if (!service.isAlive()) {
                throw new IOException("the service exited " + service.exitValue() + ": "
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(base + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IOException("the service was not ready within 3 minutes: " + Files.readString(log));
    }

    private static JsonNode awaitJob(HttpClient http, String base, String auth, String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofHours(1).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> got = http.send(HttpRequest.newBuilder(URI.create(base + "/api/jobs/" + id))
                    .header("Authorization", auth).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode job = JSON.readTree(got.body());
            String status = job.path("status").asText();
            if (!status.equals("QUEUED") && !status.equals("RUNNING")) {
                return job;
            }
            Thread.sleep(50);
        }
        throw new IOException("job " + id + " did not end within an hour");
    }

    /** user + system CPU seconds of a process and its threads so far, from {@code /proc/<pid>/stat}. */
    private static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields after the name: state is [0], utime [11], stime [12], in clock ticks (100 a second on Linux)
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    }

    private static long peakRssKiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D+", ""));
            }
        }
        return -1;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    // ---------------------------------------------------------------------------------------------- scale series

    private void series(int files) throws Exception {
        String name = "s" + files;
        Path generated = generate(name, dir -> Datasets.series(dir, files));
        Path source = workingCopy(generated, name);
        Path data = source.resolve(name);
        Path out = cleanDir(work.resolve("out").resolve(name));
        List<String> heap = List.of("-Xmx256m");
        String section = "series " + files;
        List<Row> sized = new ArrayList<>();
        Tool[] pair = {Tool.ENGINE_GZIP, Tool.TAR_LEGACY};
        try {
            TreeSnapshot level0Tree = TreeSnapshot.of(data);
            // level 0 is an incremental from nothing: the same sampling with an empty base state
            for (Tool tool : pair) {
                cleanDir(out.resolve(tool + "-" + (-1) + "-0"));
            }
            // the restore rows that follow level 0 and level 6 restore exactly their states: they check them
            Row level0 = incrementalRow(section, "level 0", source, name, out, 0, level0Tree, 0.47, null, heap, false);
            Row restore0 = restoreRow(section, "full restore of level 0", source, name, out, pair, 0, level0Tree, 0.5,
                    heap);
            sized.add(checkedBy(level0, restore0));
            sized.add(restore0);
            changeOnePercent(data, 1);
            sized.add(incrementalRow(section, "1 % incremental (level 1)", source, name, out, 1,
                    TreeSnapshot.of(data), 0.8, null, heap));
            for (int level = 2; level <= 5; level++) {
                changeOnePercent(data, level);
                for (Tool tool : pair) {
                    Path next = copyState(out.resolve(tool + "-" + (level - 1) + "-0"),
                            out.resolve(tool + "-" + level + "-0"));
                    run(source, backupCommand(tool, source, name, next, level, heap));
                    Trees.tick(work.resolve("scratch"));
                }
            }
            changeOnePercent(data, 6);
            TreeSnapshot level6Tree = TreeSnapshot.of(data);
            Row level6 = incrementalRow(section, "1 % incremental at level 6 of a 7-level chain", source, name, out, 6,
                    level6Tree, 0.8, null, heap, false);
            Row restore6 = restoreRow(section, "restore of the 7-level chain", source, name, out, pair, 6, level6Tree,
                    0.6, heap);
            sized.add(checkedBy(level6, restore6));
            sized.add(restore6);
        } catch (Exception e) {
            failures.add(name + ": " + e);
            sized.add(failedRow(section, "the rest of " + files + " files", e));
        } finally {
            Trees.deleteRecursively(out);
            Trees.deleteRecursively(source);
        }
        sized.stream().filter(Row::failed).forEach(r -> failures.add(r.section() + ": " + r.what()));
        series.add(new SeriesSize(files, sized));
    }

    // ---------------------------------------------------------------------------------------------- listener cost

    /**
     * The same level 0, in this JVM, with {@link ProgressListener#NONE} and with the service's own listener (the job
     * package's JobProgressListener, reached by reflection since it is the package's own) feeding a sink that does
     * what the service's does per report: keeps the latest, and turns at most one a second into JSON. Alternating
     * pairs, after two warm-up runs.
     */
    private void listenerCost(int files) throws Exception {
        String name = "s" + files;
        Path generated = generate(name, dir -> Datasets.series(dir, files));
        Path backups = work.resolve("out").resolve("listener");
        Engine engine = new Engine(EngineOptions.defaults(generated, backups).withCycleLength(1));
        int pairs = Math.max(5, settings.runs() * 2 + 1);
        double[] none = new double[pairs];
        double[] listening = new double[pairs];
        long[] reports = new long[1];
        for (int i = 0; i < 2; i++) {
            cleanDir(backups);
            engine.backup(name);
        }
        for (int i = 0; i < pairs; i++) {
            log("listener pair " + (i + 1) + " of " + pairs);
            boolean noneFirst = i % 2 == 0;
            for (int half = 0; half < 2; half++) {
                boolean withListener = (half == 0) != noneFirst;
                cleanDir(backups);
                ProgressListener progress = withListener ? serviceListener(name, reports) : ProgressListener.NONE;
                long start = System.nanoTime();
                engine.backup(name, progress);
                double seconds = (System.nanoTime() - start) / 1e9;
                (withListener ? listening : none)[i] = seconds;
            }
        }
        Trees.deleteRecursively(backups);
        listener = new ListenerCost(files, pairs, none, listening, reports[0]);
    }

    private static ProgressListener serviceListener(String dataset, long[] reports) throws Exception {
        Class<?> type = Class.forName("org.aiod.backup.job.JobProgressListener");
        var constructor = type.getDeclaredConstructor(org.aiod.backup.job.Job.class,
                org.aiod.backup.job.JobEventSink.class);
        constructor.setAccessible(true);
        org.aiod.backup.job.Job job = new org.aiod.backup.job.Job("bench", null, null, org.aiod.backup.job.JobType.BACKUP,
                dataset, null, null, org.aiod.backup.job.JobSource.HTTP, org.aiod.backup.job.JobState.RUNNING,
                Instant.now(), Instant.now(), null, null, null, null, null, List.of(), null);
        ObjectMapper json = new ObjectMapper().findAndRegisterModules();
        Map<String, Object> latest = new java.util.concurrent.ConcurrentHashMap<>();
        long[] lastSent = {0};
        org.aiod.backup.job.JobEventSink sink = new org.aiod.backup.job.JobEventSink() {
            @Override
            public java.util.concurrent.CompletionStage<Void> publish(org.aiod.backup.job.Job finished) {
                return java.util.concurrent.CompletableFuture.completedFuture(null);
            }

            @Override
            public void progress(org.aiod.backup.job.JobProgress progress) {
                reports[0]++;
                latest.put(progress.jobId(), progress);
                long now = System.nanoTime();
                if (now - lastSent[0] >= 1_000_000_000L) {
                    lastSent[0] = now;
                    try {
                        json.writeValueAsString(progress);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        };
        return (ProgressListener) constructor.newInstance(job, sink);
    }
}
