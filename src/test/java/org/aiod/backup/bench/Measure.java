package org.aiod.backup.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Runs one command as a process and measures it: wall time (this JVM's clock around the process), CPU time (user +
 * system, the command and every child it waited for) and peak RSS, both from GNU time ({@code /usr/bin/time -f}),
 * which reads them from the kernel's {@code wait4} accounting.
 */
final class Measure {

    /** GNU time: the page measures CPU and peak RSS with it. */
    static final Path GNU_TIME = Path.of("/usr/bin/time");

    /** One run of a command. {@code rssKiB} is the peak resident set of the largest process of the run. */
    record Sample(double wallSeconds, double cpuSeconds, long rssKiB) {
    }

    /** What a command printed, kept so that a failure names its reason. */
    private final Path scratch;
    private final String workText;
    private final String repositoryText = Path.of("").toAbsolutePath() + "/";

    Measure(Path scratch, Path work) {
        this.scratch = scratch;
        this.workText = work.toAbsolutePath().toString();
    }

    /** Runs {@code command} in {@code dir} with {@code env} added to this process's environment; fails unless exit 0. */
    Sample run(Path dir, Map<String, String> env, List<String> command) throws IOException, InterruptedException {
        Path timeFile = scratch.resolve("time.txt");
        Path log = scratch.resolve("command.log");
        List<String> full = new ArrayList<>(List.of(GNU_TIME.toString(), "-f", "%U %S %M", "-o", timeFile.toString()));
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("BACKUP_") || k.startsWith("QUARKUS_")
                || k.equals("JAVA_TOOL_OPTIONS"));
        builder.environment().putAll(env);
        long start = System.nanoTime();
        Process process = builder.start();
        int exit = process.waitFor();
        double wall = (System.nanoTime() - start) / 1e9;
        if (exit != 0) {
            String output = Files.readString(log, StandardCharsets.UTF_8);
            throw new IOException("exit " + exit + " of " + shell(env, command) + ": "
                    + output.substring(Math.max(0, output.length() - 2000)));
        }
        List<String> lines = Files.readAllLines(timeFile, StandardCharsets.UTF_8);
        String[] fields = lines.get(lines.size() - 1).trim().split("\\s+");
        return new Sample(wall, Double.parseDouble(fields[0]) + Double.parseDouble(fields[1]),
                Long.parseLong(fields[2]));
    }

    /**
     * The command as a shell line for the page: the work directory written {@code $WORK}, paths in the repository
     * (the jar) relative to it, as the README writes them.
     */
    String shell(Map<String, String> env, List<String> command) {
        String envText = env.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + quote(e.getValue())).collect(Collectors.joining(" "));
        String line = command.stream().map(Measure::quote).collect(Collectors.joining(" "));
        return ((envText.isEmpty() ? "" : envText + " ") + line).replace(workText, "$WORK")
                .replace(repositoryText, "");
    }

    private static String quote(String word) {
        return word.matches("[A-Za-z0-9_./=:,+@%$-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }
}
