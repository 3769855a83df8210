package org.aiod.backup.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import org.aiod.backup.bench.Benchmark.ListenerCost;
import org.aiod.backup.bench.Benchmark.Outcome;
import org.aiod.backup.bench.Benchmark.Row;
import org.aiod.backup.bench.Benchmark.SeriesSize;
import org.aiod.backup.bench.Benchmark.Side;
import org.aiod.backup.bench.Measure.Sample;

/** Writes {@code bench/RESULTS.md} from one run's {@link Outcome}: nothing on the page is typed by hand. */
final class Results {

    private Results() {
    }

    static String page(Outcome outcome) throws IOException, InterruptedException {
        StringBuilder out = new StringBuilder();
        Benchmark.Settings settings = outcome.settings();
        out.append("# Benchmark results\n\n");
        out.append("Written by `bench/run.sh` from one run; nothing here is edited by hand. To change it, run the "
                + "script again.\n\n");
        out.append("- Run: `").append(settings.invocation()).append("`\n");
        out.append("- Commit: `").append(first("git", "rev-parse", "HEAD")).append("`, ").append(dirty()).append('\n');
        out.append("- Date: ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append('\n');
        out.append("- Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(memory()).append(", Linux ").append(first("uname", "-r")).append(", load average (/proc/loadavg) at the start ")
                .append(outcome.loadAtStart()).append(", at the end ").append(first("cat", "/proc/loadavg"))
                .append(" (the machine should be quiet: on 2 cores a load above 2 means other work shared them)\n");
        out.append("- Work directory's file system: ").append(first("stat", "-f", "-c", "%T",
                settings.work().toAbsolutePath().toString())).append(" (sources, archives and restores)\n");
        out.append("- JDK: ").append(first(settings.engine().get(0), "-version")).append('\n');
        out.append("- GNU tar: ").append(first("tar", "--version")).append("; gzip: ").append(first("gzip",
                "--version")).append("; pigz: ").append(first("pigz", "--version")).append("; zstd: ")
                .append(first("zstd", "--version")).append("; GNU time: ").append(first(
                        Measure.GNU_TIME.toString(), "--version")).append('\n');
        out.append("- What ran: datasets ").append(settings.datasets().isEmpty() ? "none"
                : String.join(", ", settings.datasets())).append(" at scale ").append(settings.scale())
                .append(" (1.0 = mixed ~1.2 GiB in 20k files, many-small 200k files of 0-8 KiB); scale series ")
                .append(settings.series().isEmpty() ? "none" : settings.series().stream().map(String::valueOf)
                        .collect(Collectors.joining(", ")) + " files")
                .append("; ").append(settings.runs()).append(" sample(s) per row; in-service rows ")
                .append(settings.serviceJar() == null ? "not run" : "run").append("; profile ")
                .append(settings.profile() ? "run" : "not run (`--profile`)").append('\n');
        out.append("\nHow it measures: every tool runs as a process, as a user runs it: the engine as the README's "
                + "`java -jar target/quarkus-app/quarkus-run.jar` CLI (its configuration as options on the line), "
                + "GNU tar as the legacy scripts run it. Wall time is the benchmark's clock around the process; CPU "
                + "is user + system of the process and its children, and peak RSS the largest process's, both from "
                + "GNU time (`/usr/bin/time -f '%U %S %M'`). Each incremental sample starts from a copy of the "
                + "previous level's state (archives hard-linked, snapshot files copied). Every row's output is "
                + "restored by the tool that wrote it (the engine's CLI `restore --to`, tar's legacy loop) and "
                + "compared with the source tree (paths, types, modes, mtimes, sizes, SHA-256); a row whose output "
                + "does not restore is marked FAILED, in bold. Ratios are engine / GNU tar of the medians.\n");

        List<Row> all = new ArrayList<>(outcome.rows());
        outcome.series().forEach(s -> all.addAll(s.rows()));
        out.append("\n## Summary\n\n");
        out.append("Medians; wall time, with CPU (user + system) in brackets.\n\n");
        out.append("| dataset | row | engine (s) | GNU tar (s) | engine / tar | target | verdict |\n");
        out.append("|---|---|---:|---:|---:|---:|---|\n");
        for (Row row : all) {
            out.append(String.format(Locale.ROOT, "| %s | %s | %s (%s) | %s (%s) | %s | %s | %s |%n", row.section(),
                    row.what(), seconds(row.engine().medianWall()), seconds(row.engine().medianCpu()),
                    seconds(row.tar().medianWall()), seconds(row.tar().medianCpu()),
                    ratio(row.ratio()), row.target() == null ? "-" : "≤ " + ratio(row.target()), verdict(row)));
        }

        out.append("\n## Where a target is not reached\n\n");
        List<String> missed = new ArrayList<>();
        for (Row row : all) {
            if (row.failed()) {
                missed.add("- " + row.section() + ", " + row.what() + ": **FAILED** (" + failure(row) + ")");
            } else if (row.target() != null && row.ratio() > row.target()) {
                double allowed = row.target() * row.tar().medianWall();
                missed.add(String.format(Locale.ROOT, "- %s, %s: %s against ≤ %s, over by %s (the engine took %s s "
                        + "where the target allows %s s, %.0f %% more)%s", row.section(), row.what(), ratio(row.ratio()),
                        ratio(row.target()), ratio(row.ratio() - row.target()), seconds(row.engine().medianWall()),
                        seconds(allowed), 100 * (row.engine().medianWall() / allowed - 1),
                        boundBy(outcome, row)));
            }
        }
        if (missed.isEmpty()) {
            missed.add("Every target of this run is reached.");
        }
        missed.forEach(line -> out.append(line).append('\n'));
        if (outcome.bounds().isEmpty()) {
            out.append("\nNo profiles in this run: `bench/run.sh --profile` adds a JFR profile of each engine row "
                    + "that misses its target.\n");
        } else {
            out.append("\n## What bounds the rows that miss their target\n\n");
            out.append("For each engine row that misses its target, one more run of its engine command (not one of "
                    + "its samples) with a JFR recording (`settings=profile`: Java samples every 10 ms, native ones "
                    + "every 20 ms, all threads), summarised by `org.aiod.backup.bench.Profile`. Every sample goes "
                    + "to one bucket: samples before the first one with an `org.aiod.backup.engine` frame are the "
                    + "start-up; after it, a sample with a class-loading or linking frame anywhere in its stack is "
                    + "class loading; else the leaf-most frame that a rule knows names the bucket (`java.util.zip` "
                    + "deflate/inflate, zstd-jni, `sun.security.provider` hashing, `sun.nio.fs`/"
                    + "`FileDispatcherImpl`/`FileChannelImpl`/`java.io.File*Stream` file-system calls, the engine's "
                    + "`TarOutput`/`TarInput`/`SnapshotFile`/`Names` tar headers, the rest of the engine, other). "
                    + "Shares are of samples, so of the Java threads' time, not wall time; the wall split of each "
                    + "run is the benchmark's clock around the process, cut at the time of the first engine sample."
                    + "\n");
            for (Benchmark.Bound bound : outcome.bounds()) {
                out.append("\n### ").append(bound.section()).append(": ").append(bound.what()).append("\n\n");
                if (bound.summary() == null) {
                    out.append("No profile: ").append(bound.error()).append('\n');
                } else {
                    Profile.lines(bound.summary()).forEach(line -> out.append(line).append('\n'));
                }
            }
        }

        if (!outcome.series().isEmpty()) {
            out.append("\n## Scale series\n\nSmall files of 0-4 KiB, 2,000 to a directory; the engine's CLI under "
                    + "`-Xmx256m`. Time per file is the median wall time over the files of the dataset. Peak RSS is the "
                    + "largest of the samples.\n\n");
            out.append("| files | row | engine (s) | engine (µs/file) | engine peak RSS (MiB) | GNU tar (s) | "
                    + "GNU tar (µs/file) | GNU tar peak RSS (MiB) | engine / tar | restores |\n");
            out.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
            for (SeriesSize size : outcome.series()) {
                for (Row row : size.rows()) {
                    out.append(String.format(Locale.ROOT, "| %d | %s | %s | %.1f | %s | %s | %.1f | %s | %s | %s |%n",
                            size.files(), row.what(), seconds(row.engine().medianWall()),
                            1e6 * row.engine().medianWall() / size.files(), mib(row.engine().maxRssKiB()),
                            seconds(row.tar().medianWall()), 1e6 * row.tar().medianWall() / size.files(),
                            mib(row.tar().maxRssKiB()), ratio(row.ratio()), row.failed() ? "**FAILED**" : "both"));
                }
            }
        }

        ListenerCost listener = outcome.listener();
        if (listener != null) {
            double none = Measure.median(listener.none());
            double with = Measure.median(listener.listening());
            double noise = Measure.max(listener.none()) - Measure.min(listener.none());
            double[] diffs = new double[listener.pairs()];
            for (int i = 0; i < diffs.length; i++) {
                diffs[i] = listener.listening()[i] - listener.none()[i];
            }
            double diff = Measure.median(diffs);
            out.append("\n## The progress listener's cost (#12)\n\n");
            out.append(String.format(Locale.ROOT, "In this JVM (not a process per run): the engine's level 0 of the "
                    + "%d-file series dataset, %d alternating pairs after two warm-up runs, with "
                    + "`ProgressListener.NONE` and with the service's `JobProgressListener` feeding a sink that keeps "
                    + "the latest report and turns at most one a second into JSON, as the service's does (%d reports "
                    + "in all).%n%n", listener.files(), listener.pairs(), listener.reports()));
            out.append("| listener | samples (s) | min / median / max (s) |\n|---|---|---|\n");
            out.append("| none | ").append(list(listener.none())).append(" | ").append(spread(listener.none()))
                    .append(" |\n");
            out.append("| the service's | ").append(list(listener.listening())).append(" | ")
                    .append(spread(listener.listening())).append(" |\n\n");
            out.append(String.format(Locale.ROOT, "Median of the paired differences: %+.3f s (%+.1f %% of %s s); the "
                    + "spread of the no-listener runs alone is %s s: %s.%n", diff, 100 * diff / none, seconds(none),
                    seconds(noise), Math.abs(diff) <= noise ? "**within noise**" : "**above noise**"));
            out.append(String.format(Locale.ROOT, "(Median with the listener %s s against %s s without.)%n",
                    seconds(with), seconds(none)));
        }

        out.append("\n## Rows in detail\n");
        for (Row row : all) {
            out.append("\n### ").append(row.section()).append(": ").append(row.what()).append("\n\n");
            if (row.note() != null) {
                out.append(row.note()).append(".\n\n");
            }
            out.append("| tool | samples, wall (s) | wall min / median / max (s) | samples, CPU user + system (s) "
                    + "| peak RSS (MiB) | archive (MiB) | output |\n|---|---|---|---|---:|---:|---|\n");
            for (Side side : List.of(row.engine(), row.tar())) {
                out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", side.tool(),
                        list(side.walls()), spread(side.walls()),
                        list(side.samples().stream().mapToDouble(Sample::cpuSeconds).toArray()),
                        mib(side.maxRssKiB()),
                        side.archiveBytes() == null ? "-" : String.format(Locale.ROOT, "%.1f",
                                side.archiveBytes() / 1048576.0),
                        side.check() == null ? "-" : side.failed() ? "**" + side.check() + "**" : side.check()));
            }
            out.append('\n');
            for (Side side : List.of(row.engine(), row.tar())) {
                out.append("- ").append(side.tool()).append(": `").append(side.command()).append("`\n");
            }
        }
        if (!outcome.failures().isEmpty()) {
            out.append("\n## Failures\n\n");
            outcome.failures().forEach(f -> out.append("- ").append(f.replace('\n', ' ')).append('\n'));
        }
        return out.toString();
    }

    /** "; bound by: ..." from the row's profile, if it has one. */
    private static String boundBy(Outcome outcome, Row row) {
        for (Benchmark.Bound bound : outcome.bounds()) {
            if (bound.section().equals(row.section()) && bound.what().equals(row.what())) {
                if (bound.summary() == null) {
                    return "; no profile (it failed, see below)";
                }
                Profile.Summary summary = bound.summary();
                double startup = summary.startupSeconds();
                return "; bound by: " + summary.boundBy() + (Double.isNaN(startup) ? "" : String.format(Locale.ROOT,
                        "; start-up until the engine's first sample %s s of the profiled run's %s s",
                        seconds(startup), seconds(summary.wallSeconds())));
            }
        }
        return "";
    }

    private static String verdict(Row row) {
        if (row.failed()) {
            return "**FAILED**: " + failure(row);
        }
        if (row.target() == null) {
            return "no target";
        }
        return row.ratio() <= row.target() ? "met" : "**missed** by " + ratio(row.ratio() - row.target());
    }

    private static String failure(Row row) {
        return row.engine().failed() ? row.engine().check() : row.tar().check();
    }

    private static String list(double[] values) {
        return Arrays.stream(values).mapToObj(Results::seconds).collect(Collectors.joining(", "));
    }

    private static String spread(double[] values) {
        return seconds(Measure.min(values)) + " / " + seconds(Measure.median(values)) + " / "
                + seconds(Measure.max(values));
    }

    static String seconds(double s) {
        return Double.isNaN(s) ? "-" : String.format(Locale.ROOT, s < 1 ? "%.3f" : s < 10 ? "%.2f" : "%.1f", s);
    }

    private static String ratio(double r) {
        return Double.isNaN(r) ? "-" : String.format(Locale.ROOT, "%.2f", r);
    }

    private static String mib(long kib) {
        return kib < 0 ? "?" : Long.toString(Math.round(kib / 1024.0));
    }

    private static String memory() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                return String.format(Locale.ROOT, "%.1f GiB memory",
                        Long.parseLong(line.replaceAll("\\D+", "")) / 1048576.0);
            }
        }
        return "memory unknown";
    }

    private static String dirty() throws IOException, InterruptedException {
        String status = output("git", "status", "--porcelain", "--untracked-files=no");
        List<String> changed = status.lines().filter(l -> !l.endsWith("bench/RESULTS.md")).toList();
        return changed.isEmpty() ? "clean tree (bench/RESULTS.md aside)"
                : "**dirty tree**: " + changed.size() + " changed file(s) not committed";
    }

    /** The first line a command prints (standard output and error), or "not installed". */
    private static String first(String... command) throws InterruptedException {
        try {
            String text = output(command).strip();
            return text.isEmpty() ? "?" : text.lines().findFirst().orElse("?");
        } catch (IOException e) {
            return "not installed";
        }
    }

    private static String output(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return text;
    }
}
