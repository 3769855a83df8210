package org.aiod.backup.engine.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real GNU tar, run the way the legacy scripts run it. Every method fails (with an {@link AssertionError}
 * carrying the command, exit status and tar's stderr) when tar exits non-zero. For {@code tar -c}, exit status 1
 * ("file changed as we read it") is a failure too unless the caller explicitly tolerates it.
 *
 * <p>tar runs with {@code LC_ALL=C.UTF-8} (raw UTF-8 names, English messages) and {@code TZ=UTC}.
 */
public final class GnuTar {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    /**
     * What a tar run printed.
     *
     * @param exitCode 0, or 1 when a tolerated "file changed" was reported
     * @param stdout   standard output, line by line
     * @param stderr   standard error (warnings such as "Directory has been renamed" appear here with exit 0)
     */
    public record Result(int exitCode, List<String> stdout, String stderr) {
    }

    private GnuTar() {
    }

    /** The first line of {@code tar --version}, e.g. {@code tar (GNU tar) 1.34}. */
    public static String version() throws IOException {
        List<String> out = run(null, List.of("tar", "--version"), false).stdout();
        return out.isEmpty() ? "" : out.get(0);
    }

    /**
     * Exactly the legacy backup command:
     * {@code cd <dataRoot> && tar -czf <archive> --listed-incremental=<snar> ./<dataset>}. Level 0 when
     * {@code snar} does not exist yet, the next incremental level otherwise; tar rewrites {@code snar}.
     */
    public static Result legacyBackup(Path dataRoot, String dataset, Path archive, Path snar) throws IOException {
        return legacyBackup(dataRoot, dataset, archive, snar, false);
    }

    /** As {@link #legacyBackup(Path, String, Path, Path)}; {@code tolerateFileChanged} accepts exit status 1. */
    public static Result legacyBackup(Path dataRoot, String dataset, Path archive, Path snar,
            boolean tolerateFileChanged) throws IOException {
        return run(dataRoot, List.of("tar", "-czf", archive.toAbsolutePath().toString(),
                "--listed-incremental=" + snar.toAbsolutePath(), "./" + dataset), tolerateFileChanged);
    }

    /**
     * Exactly the legacy restore command for one archive:
     * {@code tar --directory=<dest> --extract --file=<archive> --listed-incremental=/dev/null}. Creates {@code dest}
     * if needed. Apply levels 0..L in order to restore level L.
     */
    public static Result legacyRestore(Path dest, Path archive) throws IOException {
        Files.createDirectories(dest);
        return run(null, List.of("tar", "--directory=" + dest.toAbsolutePath(), "--extract",
                "--file=" + archive.toAbsolutePath(), "--listed-incremental=/dev/null"), false);
    }

    /** {@link #legacyRestore(Path, Path)} of each archive, in the order given. */
    public static void legacyRestoreChain(Path dest, List<Path> archives) throws IOException {
        for (Path archive : archives) {
            legacyRestore(dest, archive);
        }
    }

    /**
     * {@code tar --list --incremental --verbose --verbose -z --file=<archive>}: every member with its attributes,
     * and for directory members their dumpdir listing ({@code Y}/{@code N}/{@code D} lines, renames as
     * {@code R}/{@code T}). For debugging and for checks on what a level contains.
     */
    public static List<String> list(Path archive) throws IOException {
        return run(null, List.of("tar", "--list", "--incremental", "--verbose", "--verbose", "-z",
                "--file=" + archive.toAbsolutePath()), false).stdout();
    }

    /** The member names of {@code archive} ({@code tar --list -z --file=<archive>}), e.g. {@code ./ds/a/}. */
    public static List<String> members(Path archive) throws IOException {
        return run(null, List.of("tar", "--list", "-z", "--file=" + archive.toAbsolutePath()), false).stdout();
    }

    /** {@code <backupRoot>/<dataset>/<dataset>_<cycle>}. */
    public static Path cycleDir(Path backupRoot, String dataset, long cycle) {
        return backupRoot.resolve(dataset).resolve(dataset + "_" + cycle);
    }

    /** {@code <backupRoot>/<dataset>/<dataset>_<cycle>/<dataset><level>.tar.gz}. */
    public static Path archive(Path backupRoot, String dataset, long cycle, int level) {
        return cycleDir(backupRoot, dataset, cycle).resolve(dataset + level + ".tar.gz");
    }

    /** {@code <backupRoot>/<dataset>/<dataset>_<cycle>/<dataset>.snar}. */
    public static Path snar(Path backupRoot, String dataset, long cycle) {
        return cycleDir(backupRoot, dataset, cycle).resolve(dataset + ".snar");
    }

    /**
     * Writes {@code <dataset><level>.tar.gz} of {@code <dataRoot>/<dataset>} into the cycle directory
     * {@code <backupRoot>/<dataset>/<dataset>_<cycle>/} (created if needed) with the cycle's snapshot
     * {@code <dataset>.snar}, as the legacy scripts lay it out. Level 0 starts from no snapshot (an existing one is
     * removed); a higher level needs the cycle's snapshot and continues it. Returns the archive.
     */
    public static Path legacyLevel(Path backupRoot, Path dataRoot, String dataset, long cycle, int level)
            throws IOException {
        Path cycleDir = Files.createDirectories(cycleDir(backupRoot, dataset, cycle));
        Path archive = archive(backupRoot, dataset, cycle, level);
        Path snar = snar(backupRoot, dataset, cycle);
        if (Files.exists(archive)) {
            throw new AssertionError("level " + level + " already exists: " + archive);
        }
        if (level == 0) {
            Files.deleteIfExists(snar);
        } else if (!Files.exists(snar)) {
            throw new AssertionError("level " + level + " needs the cycle's snapshot " + snar + " (in " + cycleDir
                    + ")");
        }
        legacyBackup(dataRoot, dataset, archive, snar);
        return archive;
    }

    /**
     * Runs {@code command} in {@code dir} (the current directory when {@code null}) and fails unless it exits 0,
     * or 1 when {@code tolerateExit1}.
     */
    public static Result run(Path dir, List<String> command, boolean tolerateExit1) throws IOException {
        Path out = Files.createTempFile("gnutar-", ".out");
        Path err = Files.createTempFile("gnutar-", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            if (dir != null) {
                pb.directory(dir.toFile());
            }
            Map<String, String> env = pb.environment();
            env.put("LC_ALL", "C.UTF-8");
            env.put("LANG", "C.UTF-8");
            env.put("TZ", "UTC");
            env.remove("TAR_OPTIONS");
            Process process = pb.start();
            int exit;
            try {
                if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError("timed out after " + TIMEOUT + ": " + describe(dir, command));
                }
                exit = process.exitValue();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted: " + describe(dir, command), e);
            }
            // lenient: tar quotes names in member lines, but prints dumpdir listings' bytes as they are
            String stderr = new String(Files.readAllBytes(err), StandardCharsets.UTF_8);
            if (exit != 0 && !(exit == 1 && tolerateExit1)) {
                throw new AssertionError(describe(dir, command) + " exited with status " + exit
                        + (stderr.isBlank() ? " (no stderr)" : ":\n" + stderr.strip()));
            }
            return new Result(exit, new String(Files.readAllBytes(out), StandardCharsets.UTF_8).lines().toList(),
                    stderr);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static String describe(Path dir, List<String> command) {
        return (dir == null ? "" : "cd " + dir + " && ") + String.join(" ", command);
    }
}
