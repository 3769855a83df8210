package org.aiod.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.aiod.backup.engine.testing.TreeSnapshot;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Memory stays flat as the tree grows: 200k files back up and restore in a JVM with a 256 MiB heap. */
class MemoryTest {

    private static final int DIRECTORIES = 2_000;
    private static final int FILES_PER_DIRECTORY = 100;
    /** The file in a tree on /dev/shm naming the process that made it. */
    private static final String OWNER = "owner.pid";

    @TempDir
    Path tmp;

    /**
     * On tmpfs where there is one: creating 200k files costs 90 s on this machine's disk and 3 s in memory, and
     * what is measured here is the heap, not the disk.
     */
    @Test
    void twoHundredThousandFilesBackUpAndRestoreWithA256MiBHeap() throws Exception {
        Path shm = Path.of("/dev/shm");
        Path base = tmp;
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            sweepLeftByDeadRuns(shm);
            base = Files.createTempDirectory(shm, "aiod-memory-");
            Files.writeString(base.resolve(OWNER), Long.toString(ProcessHandle.current().pid()));
        }
        try {
            run(base);
        } finally {
            if (!base.equals(tmp)) {
                Trees.deleteRecursively(base);
            }
        }
    }

    /**
     * The trees of runs whose JVM was killed before its {@code finally} (a build stopped, a CI runner out of
     * memory): 1.6 GiB of RAM each on tmpfs until the machine restarts, unless the next run takes them away. A tree
     * whose owner is alive (another build running this test) is left alone.
     */
    private static void sweepLeftByDeadRuns(Path shm) throws Exception {
        try (var left = Files.newDirectoryStream(shm, "aiod-memory-*")) {
            for (Path tree : left) {
                boolean dead;
                try {
                    dead = ProcessHandle.of(Long.parseLong(Files.readString(tree.resolve(OWNER)).trim())).isEmpty();
                } catch (java.io.IOException | NumberFormatException e) {
                    // made before owners were written, or killed before it wrote its owner; a tree of a minute
                    // ago may be another run's that is about to
                    dead = Files.getLastModifiedTime(tree).toInstant()
                            .isBefore(java.time.Instant.now().minusSeconds(60));
                }
                if (dead) {
                    Trees.deleteRecursively(tree);
                }
            }
        }
    }

    private void run(Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        Path dataset = data.resolve("x");
        byte[] content = "0123456789abcdef".repeat(16).getBytes(StandardCharsets.US_ASCII);
        for (int d = 0; d < DIRECTORIES; d++) {
            Path dir = Files.createDirectories(dataset.resolve("dir-" + d % 50).resolve("sub-" + d));
            for (int f = 0; f < FILES_PER_DIRECTORY; f++) {
                try (OutputStream out = Files.newOutputStream(dir.resolve("file-" + f + ".txt"))) {
                    out.write(content, 0, (d * 31 + f * 7) % content.length);
                }
            }
        }
        Path restoreRoot = Files.createDirectories(tmp.resolve("restored"));
        Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), MemoryMain.class.getName(), data.toString(),
                tmp.resolve("backups").toString(), restoreRoot.toString())
                .redirectErrorStream(true).start();
        List<String> output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .toList();
        assertEquals(0, child.waitFor(), String.join("\n", output));
        int files = DIRECTORIES * FILES_PER_DIRECTORY;
        assertEquals("backed-up=" + files + " restored=" + files, output.get(output.size() - 1)
                .replaceAll(" max-heap=.*", ""), String.join("\n", output));
        TreeSnapshot.of(restoreRoot.resolve("x")).assertSameAs(TreeSnapshot.of(dataset), "200k files restored");
    }

}
