package org.aiod.backup.messaging;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.vertx.core.json.JsonObject;

/** Helpers shared by the messaging tests: unique dataset names, small data trees, reading events. */
final class MessagingFixtures {

    static final String BACKUP_COMMANDS = "backup-commands";
    static final String RESTORE_COMMANDS = "restore-commands";
    static final String BACKUP_EVENTS = "backup-events";

    private MessagingFixtures() {
    }

    /** A dataset name prefix unique to this run, since the test data and backup roots outlive a run. */
    static String uniquePrefix(String tag) {
        return tag + Long.toString(System.currentTimeMillis(), 36)
                + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36), 36);
    }

    /** Creates {@code <dataRoot>/<dataset>} with a few files and a sub-directory. */
    static Path createDataset(Path dataRoot, String dataset) throws IOException {
        Path dir = dataRoot.resolve(dataset);
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("a.txt"), "alpha of " + dataset + "\n");
        Files.writeString(dir.resolve("sub").resolve("b.txt"), "beta\n".repeat(100));
        Files.write(dir.resolve("sub").resolve("c.bin"), new byte[] { 0, 1, 2, 3, (byte) 0xff });
        return dir;
    }

    static JsonObject backup(String dataset, String requestId) {
        JsonObject o = new JsonObject().put("dataset", dataset);
        return requestId == null ? o : o.put("requestId", requestId);
    }

    static JsonObject restore(String dataset, long cycle, Integer level, String requestId) {
        JsonObject o = new JsonObject().put("dataset", dataset).put("cycle", cycle);
        if (level != null) {
            o.put("level", level);
        }
        return requestId == null ? o : o.put("requestId", requestId);
    }

    static List<JsonObject> byCorrelation(AmqpTestClient.Collector events, String messageId) {
        return events.where(e -> messageId.equals(e.getString(AmqpTestClient.CORRELATION_ID)));
    }

    static List<JsonObject> byRequest(AmqpTestClient.Collector events, String requestId) {
        return events.where(e -> requestId.equals(e.getString("requestId")));
    }

    /** The level archive files {@code <dataset><n>.tar.gz} of one cycle directory, sorted. */
    static List<String> levelFiles(Path backupRoot, String dataset, long cycle) throws IOException {
        Path dir = backupRoot.resolve(dataset).resolve(dataset + "_" + cycle);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(dataset) && n.endsWith(".tar.gz"))
                    .sorted().toList();
        }
    }

    /** The cycle directories {@code <dataset>_<n>} of a dataset, as numbers, ascending. */
    static List<Long> cycles(Path backupRoot, String dataset) throws IOException {
        Path dir = backupRoot.resolve(dataset);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches(java.util.regex.Pattern.quote(dataset) + "_\\d+"))
                    .map(n -> Long.parseLong(n.substring(dataset.length() + 1)))
                    .sorted().toList();
        }
    }

    /**
     * Holds the engine's lock of {@code dataset} (the lock a backup takes, across threads and processes), so that a
     * job of that dataset waits in RUNNING until {@link AutoCloseable#close()}. The lock class is internal to the
     * engine: reached by reflection, for tests only. Close it on the thread that took it.
     */
    static AutoCloseable holdDatasetLock(Path backupRoot, String dataset) throws Exception {
        Class<?> lock = Class.forName("org.aiod.backup.engine.DatasetLock");
        Method acquire = lock.getDeclaredMethod("acquire", Path.class, String.class, Duration.class);
        acquire.setAccessible(true);
        Path file = backupRoot.resolve(".aiod-backup").resolve("locks").resolve(dataset + ".lock");
        return (AutoCloseable) acquire.invoke(null, file, dataset, Duration.ofSeconds(10));
    }
}
