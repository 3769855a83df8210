package org.aiod.backup.engine.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every kind of change a dataset goes through, as an initial tree and four steps applied between backups. Level 0
 * is taken of the initial tree, level i after step i. Paths below are relative to the dataset directory.
 *
 * <p>Initial tree: files of several sizes (an empty file, a 300 KiB random file {@value #BIG_FILE} that no step
 * touches), a tree three directories deep, a symlink to a relative file, one pointing upwards, a dangling symlink,
 * an empty directory, a 150-byte file name in a directory whose own path exceeds 100 bytes, non-ASCII names, a file
 * with mode 0600, an executable, a name with spaces. Every mtime is set to a distinct time in the past, directories
 * after their content.
 *
 * <ol>
 * <li>add a file, modify two files (one changes size), delete a file;</li>
 * <li>rename a file, rename a directory with its content, delete a directory with its content, create a directory
 * with files;</li>
 * <li>chmod only (a file and a directory), content changed with the mtime set back (same size), a file replaced by
 * a directory of the same name, a directory replaced by a file;</li>
 * <li>new symlink, symlink retargeted, new empty directory, long-named file modified.</li>
 * </ol>
 */
public final class ChangeScenario {

    /** A mutation that may throw {@link IOException}. */
    @FunctionalInterface
    public interface IoConsumer<T> {
        void accept(T t) throws IOException;
    }

    /** One named mutation of the dataset directory. */
    public record Step(String name, IoConsumer<Path> apply) {

        public void applyTo(Path datasetDir) throws IOException {
            apply.accept(datasetDir);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * 300 KiB of random bytes, part of the initial tree and never changed afterwards: GNU tar leaves it out of every
     * incremental level (a writer that records its start time with a safety margin may still include it in the
     * first levels that follow quickly).
     */
    public static final String BIG_FILE = "big.bin";

    /** A directory path of more than 100 bytes on its own. */
    public static final String LONG_DIR = "a-directory-with-a-rather-long-name-to-push-member-names-past-the-limit"
            + "/and-a-second-level-of-nesting";

    /** A 150-byte file name inside {@link #LONG_DIR}. */
    public static final String LONG_FILE = LONG_DIR + "/" + longName(150);

    /** First mtime given to the initial tree (2020-09-13). */
    private static final long BASE_MTIME = 1_600_000_000L;

    /** Builds the initial tree in {@code datasetDir} (created if needed). */
    public void createInitial(Path datasetDir) throws IOException {
        Path d = Trees.mkdirs(datasetDir);
        Trees.write(d.resolve("small.txt"), "hello, world\n");
        Trees.write(d.resolve("medium.bin"), Trees.randomBytes(1, 10_000));
        Trees.write(d.resolve(BIG_FILE), Trees.randomBytes(2, 300 * 1024));
        Trees.write(d.resolve("empty.txt"), new byte[0]);
        Trees.write(d.resolve("name with spaces.txt"), "spaces\n");
        Trees.chmod(Trees.write(d.resolve("private.txt"), "secret\n"), "rw-------");
        Trees.chmod(Trees.write(d.resolve("run.sh"), "#!/bin/sh\necho hi\n"), "rwxr-xr-x");
        Trees.write(d.resolve("same-size.txt"), "version 1 of this text\n");

        Trees.write(d.resolve("a/a.txt"), "a\n");
        Trees.write(d.resolve("a/b/b.txt"), "b\n");
        Trees.write(d.resolve("a/b/c/deep.txt"), "three directories deep\n");
        Trees.symlink(d.resolve("link-to-small"), "small.txt");
        Trees.symlink(d.resolve("a/b/link-up"), "../../small.txt");
        Trees.symlink(d.resolve("dangling"), "does/not/exist");
        Trees.mkdirs(d.resolve("empty-dir"));

        Trees.write(d.resolve(LONG_FILE), "a long name in a long directory\n");
        Trees.write(d.resolve("Grüße.txt"), "Grüße\n");
        Trees.write(d.resolve("日本語/ファイル.txt"), "日本語のファイル\n");

        Trees.write(d.resolve("to-rename/inner.txt"), "inner\n");
        Trees.write(d.resolve("to-rename/sub/deeper.txt"), "deeper\n");
        Trees.write(d.resolve("doomed/one.txt"), "one\n");
        Trees.write(d.resolve("doomed/sub/two.txt"), "two\n");
        Trees.write(d.resolve("becomes-dir"), "a file that becomes a directory\n");
        Trees.write(d.resolve("becomes-file/x.txt"), "x\n");
        Trees.write(d.resolve("becomes-file/sub/y.txt"), "y\n");

        // Distinct past mtimes; reverse path order visits everything under a directory before the directory.
        List<Path> all;
        try (Stream<Path> walk = Files.walk(d)) {
            all = walk.sorted((x, y) -> y.toString().compareTo(x.toString())).toList();
        }
        long mtime = BASE_MTIME;
        for (Path p : all) {
            Trees.setMtime(p, mtime);
            mtime += 3_600 + 7;
        }
    }

    /** The steps, in order: level i is taken after step i. */
    public List<Step> steps() {
        return List.of(
                new Step("1: add, modify and delete files", d -> {
                    Trees.write(d.resolve("added.txt"), "added in step 1\n");
                    Trees.write(d.resolve("medium.bin"), Trees.randomBytes(3, 12_000));
                    Files.writeString(d.resolve("a/b/b.txt"), "b, modified in step 1\n");
                    Files.delete(d.resolve("a/a.txt"));
                }),
                new Step("2: rename a file and a directory, delete a directory, create a directory", d -> {
                    Files.move(d.resolve("name with spaces.txt"), d.resolve("renamed with spaces.txt"),
                            StandardCopyOption.ATOMIC_MOVE);
                    Files.move(d.resolve("to-rename"), d.resolve("renamed"), StandardCopyOption.ATOMIC_MOVE);
                    Trees.deleteRecursively(d.resolve("doomed"));
                    Trees.write(d.resolve("new-dir/n1.txt"), "new 1\n");
                    Trees.write(d.resolve("new-dir/n2.bin"), Trees.randomBytes(4, 5_000));
                    Trees.write(d.resolve("new-dir/sub/n3.txt"), "new 3\n");
                }),
                new Step("3: chmod only, content changed behind an unchanged mtime, file and directory swapped",
                        d -> {
                            Trees.chmod(d.resolve("private.txt"), "rw-r-----");
                            Trees.chmod(d.resolve("a/b"), "rwx------");
                            Path sameSize = d.resolve("same-size.txt");
                            long mtime = Trees.mtime(sameSize);
                            long size = Files.size(sameSize);
                            Files.writeString(sameSize, "version 2 of this text\n");
                            Trees.setMtime(sameSize, mtime);
                            if (Files.size(sameSize) != size) {
                                throw new IllegalStateException("same-size.txt changed size");
                            }
                            Files.delete(d.resolve("becomes-dir"));
                            Trees.write(d.resolve("becomes-dir/inside.txt"), "inside the new directory\n");
                            Trees.deleteRecursively(d.resolve("becomes-file"));
                            Trees.write(d.resolve("becomes-file"), "now a file\n");
                        }),
                new Step("4: new symlink, symlink retargeted, new empty directory, long-named file modified", d -> {
                    Trees.symlink(d.resolve("new-link"), "a/b/c/deep.txt");
                    Files.delete(d.resolve("link-to-small"));
                    Trees.symlink(d.resolve("link-to-small"), "Grüße.txt");
                    Trees.mkdirs(d.resolve("new-empty-dir"));
                    Files.writeString(d.resolve(LONG_FILE), "a long name in a long directory, modified\n");
                }));
    }

    private static String longName(int bytes) {
        String suffix = ".txt";
        StringBuilder b = new StringBuilder("file-with-a-150-byte-name-");
        while (b.length() < bytes - suffix.length()) {
            b.append((char) ('a' + b.length() % 26));
        }
        return b.append(suffix).toString();
    }
}
