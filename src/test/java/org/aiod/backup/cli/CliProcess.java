package org.aiod.backup.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.aiod.backup.testing.Unprivileged;

/** The command line as an operator runs it: the artifact's entry point in a new JVM, on a test's own roots. */
final class CliProcess {

    /** What one run printed and how it exited. */
    record Result(int exit, String out, String err) {
    }

    private CliProcess() {
    }

    /**
     * Runs {@code words} with {@code data} and {@code backups} as the roots (and a 10 s lock timeout unless a word
     * sets one); leading {@code -D} words become JVM options. {@code unprivileged}: without root's power to read any
     * file. {@code BACKUP_DATASETS} of the environment is not passed on, so every directory of the data root counts.
     */
    /**
     * JVM options of every command-line run in the tests: C1 only and the serial collector start a short-lived JVM
     * about a quarter faster (the suite starts hundreds); they change no behaviour of the program.
     */
    static final List<String> QUICK_START = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    static Result run(Path data, Path backups, boolean unprivileged, String... words) throws Exception {
        List<String> jvm = new ArrayList<>();
        List<String> args = new ArrayList<>();
        for (String word : words) {
            (word.startsWith("-D") ? jvm : args).add(word);
        }
        jvm.add("-Dbackup.data-root=" + data);
        jvm.add("-Dbackup.backup-root=" + backups);
        if (jvm.stream().noneMatch(w -> w.startsWith("-Dbackup.lock-timeout="))) {
            jvm.add("-Dbackup.lock-timeout=10s");
        }
        List<String> command = new ArrayList<>(List.of(javaBinary()));
        command.addAll(QUICK_START);
        command.addAll(jvm);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(unprivileged ? Unprivileged.command(command) : command);
        builder.environment().remove("BACKUP_DATASETS");
        Process process = builder.start();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(process.waitFor(), out, err);
    }

    /** The java binary of this JVM. */
    static String javaBinary() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
