package org.aiod.backup.offsite;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.aiod.backup.catalog.DatasetCatalog;
import org.aiod.backup.engine.Engine;
import org.aiod.backup.engine.EngineOptions;
import org.aiod.backup.engine.ProgressListener;
import org.aiod.backup.engine.PruneSummary;
import org.aiod.backup.engine.RetentionPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Prune on both sides, against a real S3 server (S3Proxy on a filesystem backend): a cycle the prune removes
 * locally goes from the bucket too, after the local removal, done by the uploader; a store that is down holds no
 * prune up and the deletion, written down, is done once it is back, across a restart; the off-site keep rule keeps
 * more in the store than on disk, and a cycle only in the store goes once that rule no longer keeps it; a dry run
 * changes nothing anywhere. The bucket is compared with the backup root object by object (key and SHA-256).
 */
class OffsitePruneTest {

    private static final java.util.concurrent.atomic.AtomicInteger BUCKETS = new java.util.concurrent.atomic.AtomicInteger();
    private static final String PREFIX = "site-a";
    private static final String DS = "connectors";

    @TempDir
    Path dir;

    private Path data;
    private Path backups;
    private Path stateDir;
    private Engine engine;
    private DatasetCatalog catalog;
    /** One server for the class (each start costs seconds), a bucket per test. */
    private static S3ProxyServer server;
    private S3Client bucket;
    private String bucketName;
    private S3OffsiteStore store;
    private OffsiteUploader uploader;

    @BeforeEach
    void setUp() throws Exception {
        data = Files.createDirectories(dir.resolve("data"));
        backups = Files.createDirectories(dir.resolve("backups"));
        stateDir = backups.resolve(EngineOptions.DEFAULT_STATE_DIR_NAME).resolve("offsite");
        engine = new Engine(EngineOptions.defaults(data, backups).withCycleLength(1));
        catalog = new DatasetCatalog(engine, List.of());
        bucketName = "offsite-" + BUCKETS.incrementAndGet();
        bucket = server.client();
        bucket.createBucket(b -> b.bucket(bucketName));
        uploader = uploader();
    }

    @AfterEach
    void tearDown() throws Exception {
        uploader.close();
        store.close();
        bucket.close();
    }

    @org.junit.jupiter.api.BeforeAll
    static void startStore(@TempDir Path s3) throws Exception {
        server = new S3ProxyServer(s3).start();
    }

    @org.junit.jupiter.api.AfterAll
    static void stopStore() throws Exception {
        server.close();
    }

    /** An uploader as the service builds it, reading the states left in the state directory. */
    private OffsiteUploader uploader() {
        store = S3OffsiteStore.create(new TestOffsiteSettings(server.endpoint(), bucketName, PREFIX, 16 << 20));
        return TestOffsiteSettings.uploader(catalog, store, PREFIX, stateDir);
    }

    /** {@code count} backups, each a new cycle (cycle length 1), every level uploaded. */
    private void backupsUploaded(int count) throws Exception {
        Path ds = Files.createDirectories(data.resolve(DS));
        for (int i = 0; i < count; i++) {
            Files.writeString(ds.resolve("file" + i + ".txt"), "content " + i);
            engine.backup(DS);
        }
        uploader.round();
        assertTrue(uploader.levels().stream().noneMatch(OffsiteLevel::waiting), uploader.levels().toString());
        assertEquals(localFiles(), objects());
    }

    @Test
    void aPrunedCycleGoesFromTheBucketAfterItsLocalRemovalAndKeptCyclesAreUntouched() throws Exception {
        backupsUploaded(4);
        Map<String, String> keptObjects = new TreeMap<>(objects());
        keptObjects.keySet().removeIf(k -> k.contains("/connectors_0/") || k.contains("/connectors_1/"));

        PruneSummary summary = engine.prune(DS, keepLast(2), false, ProgressListener.NONE, uploader.pruning(null));

        assertEquals(List.of(new PruneSummary.Removed(0, 1, summary.removed().get(0).bytes(), "pending"),
                new PruneSummary.Removed(1, 1, summary.removed().get(1).bytes(), "pending")), summary.removed());
        assertEquals(List.of(0L, 1L), uploader.deletions().stream().map(OffsiteDeletion::cycle).toList());
        assertFalse(Files.exists(backups.resolve(DS).resolve("connectors_0")));

        uploader.round();

        assertEquals(localFiles(), objects()); // cycles 0 and 1 gone from both sides
        assertEquals(keptObjects, objects()); // the kept cycles' objects as they were
        assertEquals(List.of(), uploader.deletions());
        assertEquals(List.of("2/0", "3/0"), uploader.levels().stream().map(l -> l.cycle() + "/" + l.level()).toList());
    }

    @Test
    void aStoreDownDuringThePruneHoldsNothingUpAndTheDeletionIsDoneWhenItIsBackAcrossARestart() throws Exception {
        backupsUploaded(3);
        Map<String, String> before = objects();
        server.stop();

        PruneSummary summary = engine.prune(DS, keepLast(1), false, ProgressListener.NONE, uploader.pruning(null));

        assertEquals(List.of(0L, 1L), summary.removed().stream().map(PruneSummary.Removed::cycle).toList());
        assertFalse(Files.exists(backups.resolve(DS).resolve("connectors_0")));
        assertFalse(Files.exists(backups.resolve(DS).resolve("connectors_1")));
        uploader.round();
        OffsiteDeletion failed = uploader.deletions().get(0);
        assertEquals(1, failed.attempts());
        assertTrue(failed.failing() && failed.reason().contains("connectors_0"), failed.toString());
        assertEquals(2, uploader.deletions().size());

        // a restart before the store is back: the deletions are read back from the state directory
        uploader.close();
        store.close();
        uploader = uploader();
        assertEquals(List.of(0L, 1L), uploader.deletions().stream().map(OffsiteDeletion::cycle).toList());

        server.start();
        assertEquals(before, objects()); // nothing was deleted while the store was down
        uploader.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> uploader.deletions().isEmpty());
        assertEquals(localFiles(), objects());
    }

    /**
     * The command line's prune (another process, as {@link CommandLineOffsite} builds it: an uploader of its own over
     * the same state directory, its thread never started) with the store down: its deletions stay written down and
     * it says which; the service's uploader, running since before, counts them at its next round and does them once
     * the store is back.
     */
    @Test
    void aDeletionLeftPendingByTheCommandLineIsDoneByTheRunningServiceOnceTheStoreIsBack() throws Exception {
        backupsUploaded(3);
        Map<String, String> before = objects();
        server.stop();
        OffsiteUploader commandLine = TestOffsiteSettings.uploader(catalog, store, PREFIX, stateDir);

        engine.prune(DS, keepLast(1), false, ProgressListener.NONE, commandLine.pruning(null));
        Map<Long, String> pending = commandLine.deleteNow(DS);

        assertEquals(List.of(0L, 1L), List.copyOf(pending.keySet()));
        assertTrue(pending.get(0L).contains("connectors_0"), pending.toString());
        assertEquals(List.of("connectors_2"), cyclesOnDisk());
        uploader.round(); // the store still down: the deletions the other process wrote down are counted here
        assertEquals(List.of(0L, 1L), uploader.deletions().stream().map(OffsiteDeletion::cycle).toList());

        server.start();
        assertEquals(before, objects()); // nothing was deleted while the store was down
        uploader.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> uploader.deletions().isEmpty());
        assertEquals(localFiles(), objects());
        assertEquals(List.of("connectors_2"), cyclesInBucket());
        try (Stream<Path> files = Files.walk(stateDir)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith("delete-")).toList());
        }
    }

    @Test
    void aRestartBetweenTheLocalPruneAndTheDeletionStillDeletes() throws Exception {
        backupsUploaded(3);

        engine.prune(DS, keepLast(2), false, ProgressListener.NONE, uploader.pruning(null));
        uploader.close();
        store.close();
        uploader = uploader();
        uploader.round();

        assertEquals(List.of(), uploader.deletions());
        assertEquals(localFiles(), objects());
        assertFalse(objects().keySet().stream().anyMatch(k -> k.contains("/connectors_0/")), objects().toString());
    }

    @Test
    void theOffsiteKeepRuleKeepsMoreInTheStoreAndALaterPruneRemovesWhatFallsOutOfIt() throws Exception {
        backupsUploaded(4);
        Map<String, String> all = objects();

        PruneSummary first = engine.prune(DS, keepLast(1), false, ProgressListener.NONE,
                uploader.pruning(keepLast(3)));

        assertEquals(List.of("0 pending", "1 kept", "2 kept"),
                first.removed().stream().map(r -> r.cycle() + " " + r.offsite()).toList());
        assertEquals(List.of(), first.offsiteRemoved());
        uploader.round();
        Map<String, String> expected = new TreeMap<>(all);
        expected.keySet().removeIf(k -> k.contains("/connectors_0/"));
        assertEquals(expected, objects()); // cycles 1 and 2 only off-site now, 3 on both sides
        assertEquals(List.of("connectors_3"), cyclesOnDisk());

        // a new cycle: cycle 1, only off-site, falls out of the off-site keep-last 3 (2, 3, 4), cycle 3 stays there
        Files.writeString(data.resolve(DS).resolve("file4.txt"), "content 4");
        engine.backup(DS);
        uploader.round();
        PruneSummary second = engine.prune(DS, keepLast(1), false, ProgressListener.NONE,
                uploader.pruning(keepLast(3)));

        assertEquals(List.of("3 kept"), second.removed().stream().map(r -> r.cycle() + " " + r.offsite()).toList());
        assertEquals(List.of("1 pending"),
                second.offsiteRemoved().stream().map(r -> r.cycle() + " " + r.offsite()).toList());
        uploader.round();
        assertEquals(List.of("connectors_2", "connectors_3", "connectors_4"), cyclesInBucket());
        assertEquals(List.of("connectors_4"), cyclesOnDisk());
        assertEquals(List.of("2/0", "3/0", "4/0"), uploader.levels().stream().map(l -> l.cycle() + "/" + l.level())
                .toList());
    }

    @Test
    void aDryRunReportsWhatWouldGoFromTheStoreAndChangesNothingAnywhere() throws Exception {
        backupsUploaded(4);
        engine.prune(DS, keepLast(2), false, ProgressListener.NONE, uploader.pruning(keepLast(3)));
        uploader.round(); // cycle 1 only off-site now, kept by the off-site keep-last 3
        Map<String, String> bucketBefore = objects();
        Map<String, String> diskBefore = localFiles();

        PruneSummary dry = engine.prune(DS, keepLast(1), true, ProgressListener.NONE,
                uploader.pruning(keepLast(1)));

        assertTrue(dry.dryRun());
        assertEquals(List.of("2 pending"), dry.removed().stream().map(r -> r.cycle() + " " + r.offsite()).toList());
        assertEquals(List.of("1 pending"), dry.offsiteRemoved().stream().map(r -> r.cycle() + " " + r.offsite())
                .toList());
        assertEquals(List.of(), uploader.deletions());
        uploader.round();
        assertEquals(bucketBefore, objects());
        assertEquals(diskBefore, localFiles());
    }

    private static RetentionPolicy keepLast(int n) {
        return new RetentionPolicy(n, null, 0, 0, 0, ZoneOffset.UTC);
    }

    private List<String> cyclesOnDisk() throws Exception {
        try (Stream<Path> cycles = Files.list(backups.resolve(DS))) {
            return cycles.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(DS + "_")).sorted().toList();
        }
    }

    private List<String> cyclesInBucket() throws Exception {
        return objects().keySet().stream().map(k -> k.split("/")[2]).distinct().sorted().toList();
    }

    /** Every object of the bucket, key to SHA-256. */
    private Map<String, String> objects() throws Exception {
        Map<String, String> found = new TreeMap<>();
        for (S3Object o : bucket.listObjectsV2Paginator(b -> b.bucket(bucketName)).contents()) {
            if (o.key().endsWith("/")) {
                continue; // the directories of S3Proxy's filesystem backend, listed as empty objects
            }
            found.put(o.key(), sha256(bucket.getObjectAsBytes(b -> b.bucket(bucketName).key(o.key())).asByteArray()));
        }
        return found;
    }

    /** Every file of the backup root's cycles under the keys they must have, key to SHA-256. */
    private Map<String, String> localFiles() throws Exception {
        Map<String, String> found = new TreeMap<>();
        try (Stream<Path> files = Files.walk(backups)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path rel = backups.relativize(f);
                if (!rel.startsWith(EngineOptions.DEFAULT_STATE_DIR_NAME)) {
                    found.put(PREFIX + "/" + rel.toString().replace('\\', '/'), sha256(Files.readAllBytes(f)));
                }
            }
        }
        return found;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
