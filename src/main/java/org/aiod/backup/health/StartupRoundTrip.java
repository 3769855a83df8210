package org.aiod.backup.health;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import org.aiod.backup.job.ScratchRoots;

/**
 * The start-up self-test, as the legacy container ran its tests before starting cron: in a scratch directory of its
 * own, build a small tree, back it up (level 0), delete a file and a directory, change a file and add one, back up
 * again (level 1), restore the cycle into a fresh data root, and compare both trees entry by entry (existence, kind,
 * content, symlink target). The scratch directory is deleted afterwards, whatever the outcome.
 * <p>
 * It runs its own engine on its own roots inside the scratch directory ({@link ScratchRoots}, the job package's
 * engine-facing part, since only that package runs the engine), so it never touches a managed dataset, but it
 * exercises the code, the JVM's file-name encoding and the file system that real runs use when the scratch directory
 * lies in the state directory. {@link SelfTestRunner} runs it at start-up for the startup probe
 * ({@link SelfTestCheck}).
 */
public final class StartupRoundTrip {

    /** The dataset name inside the scratch directory. */
    public static final String DATASET = "selftest";

    /** Leftovers of a self-test killed mid-way are swept at the next start once they are this old. */
    static final Duration LEFTOVER_AGE = Duration.ofHours(1);

    /** A point where a test interferes with a run; {@code dir} is the directory the step is about. */
    @FunctionalInterface
    public interface Hook {
        void run(Path dir) throws IOException;
    }

    /**
     * What a run found.
     *
     * @param passed   whether the round trip reproduced the tree exactly
     * @param step     the step that failed, {@code null} when it passed
     * @param reason   why it failed, {@code null} when it passed
     * @param duration wall time of the run
     */
    public record Result(boolean passed, String step, String reason, Duration duration) {

        /** One line for logs and health data. */
        public String describe() {
            return passed ? "passed in " + duration.toMillis() + " ms" : step + " failed: " + reason;
        }
    }

    private final ScratchRoots roots;
    private final Hook beforeCompare;

    private StartupRoundTrip(ScratchRoots roots, Hook beforeCompare) {
        this.roots = roots;
        this.beforeCompare = beforeCompare;
    }

    /** A round trip working in {@code workDir}, which it creates and deletes; it must not exist yet. */
    public static StartupRoundTrip in(Path workDir) {
        return new StartupRoundTrip(ScratchRoots.in(workDir), dir -> {
        });
    }

    /**
     * A self-test in a fresh directory under {@code parent}; leftovers of earlier runs under {@code parent} that are
     * older than an hour (a process killed mid-test) are deleted first.
     */
    public static StartupRoundTrip under(Path parent) {
        ScratchRoots.sweep(parent, LEFTOVER_AGE);
        return in(parent.resolve("run-" + UUID.randomUUID()));
    }

    /** The same test with the backups written to {@code backupRoot}, for instance somewhere broken. */
    public StartupRoundTrip withBackupRoot(Path backupRoot) {
        return new StartupRoundTrip(roots.withBackupRoot(backupRoot), beforeCompare);
    }

    /** The same test with {@code hook} run on the restored dataset directory just before the comparison. */
    public StartupRoundTrip beforeCompare(Hook hook) {
        return new StartupRoundTrip(roots, hook);
    }

    public Path workDir() {
        return roots.workDir();
    }

    /** Runs the round trip; never throws: every failure is in the result. */
    public Result run() {
        long started = System.nanoTime();
        String failedStep = null;
        String reason = null;
        String step = "prepare";
        boolean created = false;
        Path workDir = roots.workDir();
        try {
            Path data = roots.dataRoot();
            Path restored = roots.restoreRoot();
            if (Files.exists(workDir, LinkOption.NOFOLLOW_LINKS)) {
                throw new Failure("scratch directory " + workDir + " already exists");
            }
            created = true;
            Files.createDirectories(data);
            Files.createDirectories(restored);
            Path source = data.resolve(DATASET);
            buildTree(source);

            step = "backup level 0";
            ScratchRoots.Written first = roots.backup(DATASET);
            expect(first.cycle() == 0 && first.level() == 0, "expected cycle 0 level 0, wrote cycle " + first.cycle()
                    + " level " + first.level());

            step = "modify";
            modifyTree(source);

            step = "backup level 1";
            ScratchRoots.Written second = roots.backup(DATASET);
            expect(second.cycle() == 0 && second.level() == 1, "expected cycle 0 level 1, wrote cycle "
                    + second.cycle() + " level " + second.level());

            step = "restore";
            int restoredLevel = roots.restore(DATASET, 0);
            expect(restoredLevel == 1, "expected to restore up to level 1, restored up to level " + restoredLevel);

            step = "compare";
            Path copy = restored.resolve(DATASET);
            beforeCompare.run(copy);
            List<String> differences = compare(source, copy);
            expect(differences.isEmpty(), "the restored tree differs from the backed-up one: "
                    + String.join("; ", differences));
        } catch (Failure e) {
            failedStep = step;
            reason = e.getMessage();
        } catch (ScratchRoots.RunFailed e) {
            failedStep = step;
            reason = e.getMessage();
        } catch (IOException | RuntimeException e) {
            failedStep = step;
            reason = String.valueOf(e);
        } finally {
            try {
                if (created) {
                    roots.delete();
                }
            } catch (IOException e) {
                if (failedStep == null) {
                    failedStep = "clean up";
                    reason = "cannot delete the scratch directory " + workDir + ": " + e;
                }
            }
        }
        Duration duration = Duration.ofNanos(System.nanoTime() - started);
        return new Result(failedStep == null, failedStep, reason, duration);
    }

    /**
     * <pre>
     * selftest/keep.txt            unchanged
     * selftest/change.txt          changed before level 1
     * selftest/delete.txt          deleted before level 1
     * selftest/dir/nested.bin      64 KiB, unchanged
     * selftest/dir/gone/inner.txt  its directory is deleted before level 1
     * selftest/empty/              an empty directory
     * selftest/ünïcode-名前.txt      a non-ASCII name
     * selftest/link -> keep.txt    a symlink (where the file system has them)
     * </pre>
     */
    private static void buildTree(Path root) throws IOException {
        Files.createDirectories(root.resolve("dir/gone"));
        Files.createDirectories(root.resolve("empty"));
        write(root.resolve("keep.txt"), "unchanged\n");
        write(root.resolve("change.txt"), "before\n");
        write(root.resolve("delete.txt"), "deleted at level 1\n");
        write(root.resolve("dir/gone/inner.txt"), "its directory is deleted at level 1\n");
        write(root.resolve("ünïcode-名前.txt"), "a non-ASCII name\n");
        byte[] bytes = new byte[64 * 1024];
        new Random(42).nextBytes(bytes);
        Files.write(root.resolve("dir/nested.bin"), bytes);
        try {
            Files.createSymbolicLink(root.resolve("link"), Path.of("keep.txt"));
        } catch (UnsupportedOperationException | IOException e) {
            // a file system without symlinks: the rest of the round trip still says something
        }
    }

    private static void modifyTree(Path root) throws IOException {
        Files.delete(root.resolve("delete.txt"));
        Files.delete(root.resolve("dir/gone/inner.txt"));
        Files.delete(root.resolve("dir/gone"));
        Path changed = root.resolve("change.txt");
        write(changed, "after, and longer than before\n");
        write(root.resolve("added.txt"), "added at level 1\n");
    }

    /** Differences between two trees, at most a few, each naming the path relative to the dataset. */
    static List<String> compare(Path expected, Path actual) throws IOException {
        List<String> differences = new ArrayList<>();
        if (!Files.isDirectory(actual, LinkOption.NOFOLLOW_LINKS)) {
            differences.add("the restored dataset directory " + actual + " does not exist");
            return differences;
        }
        Files.walkFileTree(expected, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                return check(dir, attrs);
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                return check(file, attrs);
            }

            private FileVisitResult check(Path path, BasicFileAttributes attrs) throws IOException {
                String name = relative(expected, path);
                Path other = actual.resolve(expected.relativize(path).toString());
                if (!Files.exists(other, LinkOption.NOFOLLOW_LINKS)) {
                    differences.add(name + " is missing");
                } else if (attrs.isDirectory() != Files.isDirectory(other, LinkOption.NOFOLLOW_LINKS)
                        || attrs.isSymbolicLink() != Files.isSymbolicLink(other)
                        || attrs.isRegularFile() != Files.isRegularFile(other, LinkOption.NOFOLLOW_LINKS)) {
                    differences.add(name + " is not of the same kind");
                } else if (attrs.isSymbolicLink()) {
                    if (!Files.readSymbolicLink(path).equals(Files.readSymbolicLink(other))) {
                        differences.add(name + " points to " + Files.readSymbolicLink(other) + " instead of "
                                + Files.readSymbolicLink(path));
                    }
                } else if (attrs.isRegularFile() && Files.mismatch(path, other) != -1) {
                    differences.add(name + " has other content");
                }
                return differences.size() >= 5 ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
            }
        });
        if (differences.size() < 5) {
            Files.walkFileTree(actual, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return check(dir);
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    return check(file);
                }

                private FileVisitResult check(Path path) {
                    Path origin = expected.resolve(actual.relativize(path).toString());
                    if (!Files.exists(origin, LinkOption.NOFOLLOW_LINKS)) {
                        differences.add(relative(actual, path) + " should not exist");
                    }
                    return differences.size() >= 5 ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
                }
            });
        }
        return differences;
    }

    private static String relative(Path root, Path path) {
        String rel = root.relativize(path).toString();
        return rel.isEmpty() ? "." : rel;
    }

    private static void expect(boolean condition, String message) {
        if (!condition) {
            throw new Failure(message);
        }
    }

    /** A step ran but did not produce what it should have. */
    private static final class Failure extends RuntimeException {
        Failure(String message) {
            super(message, null, false, false);
        }
    }

    private static void write(Path file, String text) throws IOException {
        Files.write(file, text.getBytes(StandardCharsets.UTF_8));
    }
}
