package org.aiod.backup.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JFR recording of one engine process: the most sampled top frames, and every sample put into one named
 * bucket (deflate, zstd, file-system calls, tar headers, hashing, start-up, ...) by its stack, plus the wall time split
 * into the start-up (until the first sample with an engine frame) and the rest. The page's "bound by" comes from here.
 * Reads the recording with {@code jdk.jfr.consumer} (the same events {@code jfr print --events
 * jdk.ExecutionSample,jdk.NativeMethodSample} prints); {@code java -cp target/test-classes
 * org.aiod.backup.bench.Profile rec.jfr} prints the summary of any recording.
 */
final class Profile {

    /** The engine's package: the first sample with a frame in it ends the start-up. */
    static final String ENGINE = "org.aiod.backup.engine.";

    static final String STARTUP = "start-up before the engine (JVM, class loading, Quarkus boot)";
    static final String CLASS_LOADING = "class loading and linking after the engine started";
    static final String DEFLATE = "deflate/inflate (java.util.zip)";
    static final String ZSTD = "zstd (zstd-jni)";
    static final String HASHING = "hashing (SHA-256)";
    static final String FILE_SYSTEM = "file-system calls (lstat, open, read, write, close, utimes, chmod, chown, "
            + "readdir)";
    static final String TAR = "tar headers and snapshot files (building, parsing)";
    static final String WAITING = "waiting in native code (epoll, sockets)";
    static final String ENGINE_OTHER = "engine, other (with the JDK code it calls)";
    static final String OTHER = "other";

    /**
     * Frames ({@code class.method}) that put a sample under class loading wherever they are in its stack: the cost of
     * loading and linking code, not of the work that needed it. Quarkus's runner class loader and its jar reading, not
     * all of {@code io.quarkus.bootstrap}: every stack of the main thread starts in its {@code QuarkusEntryPoint}.
     */
    private static final List<String> CLASS_LOADING_FRAMES = List.of("java.lang.ClassLoader.", "jdk.internal.loader.",
            "io.quarkus.bootstrap.runner.RunnerClassLoader.", "io.quarkus.bootstrap.runner.JarResource.",
            "io.quarkus.bootstrap.runner.JarFileReference.", "java.util.zip.ZipFile", "java.util.jar.",
            "java.lang.Class.forName",
            "java.lang.invoke.MethodHandleNatives.link", "java.lang.invoke.InnerClassLambdaMetafactory",
            "java.lang.invoke.BootstrapMethodInvoker");

    /** By the leaf-most frame that matches: class or method prefix, and its bucket; the first rule that matches wins. */
    private static final List<Map.Entry<String, String>> RULES = List.of(
            Map.entry("java.util.zip.", DEFLATE),
            Map.entry("com.github.luben.zstd.", ZSTD),
            Map.entry("sun.security.provider.", HASHING),
            Map.entry("java.security.MessageDigest", HASHING),
            Map.entry(ENGINE + "Checksums.", HASHING),
            Map.entry("sun.nio.ch.EPoll", WAITING),
            Map.entry("sun.nio.ch.SocketDispatcher", WAITING),
            Map.entry("sun.nio.ch.Net.", WAITING),
            Map.entry("sun.nio.fs.", FILE_SYSTEM),
            Map.entry("sun.nio.ch.FileDispatcherImpl", FILE_SYSTEM),
            Map.entry("sun.nio.ch.FileChannelImpl", FILE_SYSTEM),
            Map.entry("sun.nio.ch.IOUtil", FILE_SYSTEM),
            Map.entry("java.io.FileInputStream", FILE_SYSTEM),
            Map.entry("java.io.FileOutputStream", FILE_SYSTEM),
            Map.entry("java.io.RandomAccessFile", FILE_SYSTEM),
            Map.entry("java.io.UnixFileSystem", FILE_SYSTEM),
            Map.entry("java.io.FileDescriptor", FILE_SYSTEM),
            Map.entry(ENGINE + "TarOutput", TAR),
            Map.entry(ENGINE + "TarInput", TAR),
            Map.entry(ENGINE + "SnapshotFile", TAR),
            Map.entry(ENGINE + "Names.", TAR),
            Map.entry(ENGINE, ENGINE_OTHER));

    /** One sample: when, and its frames as {@code class.method}, the leaf (top) frame first. */
    record Stack(Instant time, List<String> frames) {
    }

    /** A name and how many samples it had. */
    record Share(String name, int samples) {
    }

    /**
     * What one recording says. {@code launched}/{@code exited}: the benchmark's clock around the process;
     * {@code engineStart}: the first sample with an engine frame (null if none).
     */
    record Summary(String command, int samples, List<Share> top, List<Share> buckets, Instant launched,
            Instant engineStart, Instant exited) {

        double percent(Share share) {
            return 100.0 * share.samples() / Math.max(1, samples);
        }

        /** The dominant buckets: the largest, and the next ones while they hold 10 % or more (at most three). */
        String boundBy() {
            List<String> parts = new ArrayList<>();
            for (Share share : buckets) {
                if (parts.isEmpty() || (parts.size() < 3 && percent(share) >= 10)) {
                    parts.add(String.format(Locale.ROOT, "%s %.0f %%", share.name(), percent(share)));
                }
            }
            return String.join(", ", parts);
        }

        double wallSeconds() {
            return launched == null || exited == null ? Double.NaN : seconds(launched, exited);
        }

        /** Wall seconds from the launch to the first engine sample; NaN without either. */
        double startupSeconds() {
            return launched == null || engineStart == null ? Double.NaN : seconds(launched, engineStart);
        }

        private static double seconds(Instant from, Instant to) {
            return Duration.between(from, to).toNanos() / 1e9;
        }
    }

    private Profile() {
    }

    /** The execution and native-method samples of a recording (all threads), in time order. */
    static List<Stack> read(Path recording) throws IOException {
        List<Stack> stacks = new ArrayList<>();
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                String type = event.getEventType().getName();
                if ((type.equals("jdk.ExecutionSample") || type.equals("jdk.NativeMethodSample"))
                        && event.getStackTrace() != null) {
                    List<String> frames = new ArrayList<>();
                    for (RecordedFrame frame : event.getStackTrace().getFrames()) {
                        if (frame.getMethod() != null) {
                            frames.add(frame.getMethod().getType().getName() + "." + frame.getMethod().getName());
                        }
                    }
                    stacks.add(new Stack(event.getStartTime(), frames));
                }
            }
        }
        stacks.sort((a, b) -> a.time().compareTo(b.time()));
        return stacks;
    }

    /** The first sample with an engine frame, or null. */
    static Instant engineStart(List<Stack> stacks) {
        return stacks.stream().filter(s -> s.frames().stream().anyMatch(f -> f.startsWith(ENGINE)))
                .map(Stack::time).min(Instant::compareTo).orElse(null);
    }

    /** The bucket of one sample, given the start of the engine (null: no start-up bucket). */
    static String bucket(Stack stack, Instant engineStart) {
        if (engineStart != null && stack.time().isBefore(engineStart)) {
            return STARTUP;
        }
        for (String frame : stack.frames()) {
            if (CLASS_LOADING_FRAMES.stream().anyMatch(frame::startsWith)) {
                return CLASS_LOADING;
            }
        }
        for (String frame : stack.frames()) {
            for (Map.Entry<String, String> rule : RULES) {
                if (frame.startsWith(rule.getKey())) {
                    return rule.getValue();
                }
            }
        }
        return OTHER;
    }

    static Summary summarise(String command, List<Stack> stacks, Instant launched, Instant exited) {
        Instant engineStart = engineStart(stacks);
        Map<String, Integer> tops = new LinkedHashMap<>();
        Map<String, Integer> buckets = new LinkedHashMap<>();
        for (Stack stack : stacks) {
            tops.merge(stack.frames().isEmpty() ? "(no frame)" : stack.frames().get(0), 1, Integer::sum);
            buckets.merge(bucket(stack, engineStart), 1, Integer::sum);
        }
        return new Summary(command, stacks.size(), largest(tops, 10), largest(buckets, Integer.MAX_VALUE), launched,
                engineStart, exited);
    }

    private static List<Share> largest(Map<String, Integer> counts, int limit) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(limit).map(e -> new Share(e.getKey(), e.getValue())).toList();
    }

    /** The summary as the page's lines (markdown). */
    static List<String> lines(Summary summary) {
        List<String> out = new ArrayList<>();
        out.add("`" + summary.command() + "`: " + summary.samples() + " samples (jdk.ExecutionSample and "
                + "jdk.NativeMethodSample, all threads).");
        if (!Double.isNaN(summary.wallSeconds())) {
            double startup = summary.startupSeconds();
            out.add("");
            out.add(Double.isNaN(startup)
                    ? String.format(Locale.ROOT, "Wall time of the profiled run %s s; no sample had an engine frame, "
                            + "so no start-up split.", Results.seconds(summary.wallSeconds()))
                    : String.format(Locale.ROOT, "Wall time of the profiled run %s s: start-up until the engine's first "
                            + "sample %s s (%.0f %%), the engine's work and the exit %s s (JFR's own start, some "
                            + "0.3-0.8 s, is in the start-up part).", Results.seconds(summary.wallSeconds()),
                            Results.seconds(startup), 100 * startup / summary.wallSeconds(),
                            Results.seconds(summary.wallSeconds() - startup)));
        }
        out.add("");
        out.add("| bucket | samples | share |");
        out.add("|---|---:|---:|");
        for (Share share : summary.buckets()) {
            out.add(String.format(Locale.ROOT, "| %s | %d | %.1f %% |", share.name(), share.samples(),
                    summary.percent(share)));
        }
        out.add("");
        out.add("Top frames:");
        out.add("");
        for (Share share : summary.top()) {
            out.add(String.format(Locale.ROOT, "    %5.1f %%  %s", summary.percent(share), share.name()));
        }
        return out;
    }

    /** {@code Profile recording.jfr}: prints the summary of a recording (no wall split: no launch time known). */
    public static void main(String[] args) throws IOException {
        Path recording = Path.of(args[0]);
        lines(summarise(recording.toString(), read(recording), null, null)).forEach(System.out::println);
    }
}
