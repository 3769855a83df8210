package org.aiod.backup.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a child process that file permissions apply to, so that a file with mode {@code 000} is really unreadable to
 * it, whoever runs the tests. A test run as another user than root needs nothing. A test run as root (CI) runs the
 * child through {@code setpriv} (util-linux) without the capabilities that let root read and search any file
 * ({@code CAP_DAC_OVERRIDE}, {@code CAP_DAC_READ_SEARCH}): it stays uid 0, so it still owns and reads the class
 * path and the test's temporary directories, but a file whose mode denies its owner is denied to it too.
 */
public final class Unprivileged {

    private static final List<String> DROP = List.of("setpriv",
            "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-dac_override,-dac_read_search");

    private Unprivileged() {
    }

    /** Whether this process runs as root. */
    public static boolean root() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot tell which user runs the tests", e);
        }
    }

    /** {@code command} as run without the power to read files whose mode denies it. */
    public static List<String> command(List<String> command) {
        List<String> full = new ArrayList<>();
        if (root()) {
            full.addAll(DROP);
        }
        full.addAll(command);
        return full;
    }

    /** The command running {@code mainClass} with {@code args} in a JVM of this class path, unprivileged. */
    public static List<String> java(Class<?> mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(List.of(args));
        return command(command);
    }
}
