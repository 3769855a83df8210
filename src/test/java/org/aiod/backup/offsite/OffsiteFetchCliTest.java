package org.aiod.backup.offsite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.aiod.backup.catalog.DatasetCatalog;
import org.aiod.backup.cli.Main;
import org.aiod.backup.engine.Engine;
import org.aiod.backup.engine.EngineOptions;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code aiod-backup fetch} (issue #14, point 3), in a process of its own as an operator runs it, against S3Proxy:
 * on an empty backup root it rebuilds the layout byte for byte (archives, SHA256SUMS, snapshot files, the archives'
 * times), of one cycle or of all; an off-site archive that fails its check is refused and nothing of its cycle is
 * written. {@code aiod-backup prune} removes a pruned cycle's objects from the bucket too.
 */
class OffsiteFetchCliTest {

    private static final String BUCKET = "offsite";
    private static final String PREFIX = "site-b";

    @TempDir
    Path dir;

    private Path data;
    private Path backups;
    private S3ProxyServer server;
    private S3Client bucket;

    @BeforeEach
    void setUp() throws Exception {
        data = Files.createDirectories(dir.resolve("data"));
        backups = Files.createDirectories(dir.resolve("backups"));
        server = new S3ProxyServer(Files.createDirectories(dir.resolve("s3"))).start();
        bucket = server.client();
        bucket.createBucket(b -> b.bucket(BUCKET));

        Engine engine = new Engine(EngineOptions.defaults(data, backups).withCycleLength(2));
        Path ds = Files.createDirectories(data.resolve("connectors"));
        Trees.write(ds.resolve("a.bin"), Trees.randomBytes(3, 40_000));
        engine.backup("connectors");
        Trees.tick(dir);
        Trees.write(ds.resolve("b.txt"), "second");
        engine.backup("connectors");
        Trees.tick(dir);
        Trees.write(ds.resolve("a.bin"), Trees.randomBytes(4, 10_000));
        engine.backup("connectors"); // cycle 1, level 0
        try (S3OffsiteStore store = S3OffsiteStore.create(new TestOffsiteSettings(server.endpoint(), BUCKET, PREFIX,
                16 << 20))) {
            OffsiteUploader uploader = TestOffsiteSettings.uploader(new DatasetCatalog(engine, List.of()), store,
                    PREFIX, dir.resolve("offsite-state"));
            uploader.round();
            assertTrue(uploader.levels().size() == 3 && uploader.levels().stream().noneMatch(OffsiteLevel::waiting),
                    uploader.levels().toString());
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        bucket.close();
        server.close();
    }

    @Test
    void fetchRebuildsTheLayoutOfAnEmptyBackupRootByteForByte() throws Exception {
        Map<String, byte[]> before = layout();
        Map<String, Long> times = archiveTimes();
        wipeBackupRoot();

        Result one = cli("fetch", "connectors", "1");
        assertEquals(0, one.exit(), one.err());
        assertTrue(one.out().contains("fetched cycle 1 level 0 (missing, "), one.out());
        assertEquals(List.of("connectors/connectors_1/SHA256SUMS", "connectors/connectors_1/connectors.snar",
                "connectors/connectors_1/connectors0.tar.gz"), List.copyOf(layout().keySet()));

        Result all = cli("fetch", "connectors");
        assertEquals(0, all.exit(), all.err());
        assertTrue(all.out().contains("fetched cycle 0 level 0 (missing, ")
                && all.out().contains("fetched cycle 0 level 1 (missing, ")
                && !all.out().contains("cycle 1 level 0"), all.out());
        Map<String, byte[]> after = layout();
        assertEquals(before.keySet(), after.keySet());
        before.forEach((name, bytes) -> assertArrayEquals(bytes, after.get(name), name));
        assertEquals(times, archiveTimes(), "each archive keeps the time its level was committed");

        Result again = cli("fetch", "connectors");
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.out().contains("nothing to fetch"), again.out());
    }

    @Test
    void anOffsiteArchiveThatFailsItsCheckIsRefusedAndItsCycleIsNotWritten() throws Exception {
        String key = PREFIX + "/connectors/connectors_0/connectors1.tar.gz";
        byte[] bad = bucket.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray();
        bad[bad.length / 3] ^= 0x11;
        bucket.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(bad));
        wipeBackupRoot();

        Result fetch = cli("fetch", "connectors", "0");
        assertEquals(1, fetch.exit(), fetch.out());
        assertTrue(fetch.err().contains(key) && fetch.err().contains("as listed in the off-site SHA256SUMS"),
                fetch.err());
        assertFalse(Files.exists(backups.resolve("connectors/connectors_0")), "no half-fetched cycle");
        assertEquals(Map.of(), layout());
    }

    /**
     * {@code aiod-backup prune} with off-site copies on (issue #14, point 4): a dry run says what would go from the
     * store and changes nothing on either side; the prune removes the cycle on disk and its objects from the bucket
     * before it exits, the other cycle's objects untouched, and its JSON says {@code offsite: deleted}.
     */
    @Test
    void pruneRemovesThePrunedCycleFromTheBucketBeforeItExits() throws Exception {
        Map<String, byte[]> disk = layout();
        List<String> objects = keys();
        assertTrue(objects.stream().anyMatch(k -> k.contains("/connectors_0/")), objects.toString());
        List<String> keepLast1 = List.of("-Dbackup.retention.keep-last=1");

        Result dry = cli(keepLast1, "prune", "connectors", "--dry-run");
        assertEquals(0, dry.exit(), dry.err());
        assertTrue(dry.out().contains("would remove cycle 0: 2 levels, ")
                && dry.out().contains("; off-site: would be deleted") && dry.out().contains("nothing was changed"),
                dry.out());
        assertEquals(objects, keys());
        assertEquals(disk.keySet(), layout().keySet());

        Result prune = cli(keepLast1, "prune", "connectors", "--json");
        assertEquals(0, prune.exit(), prune.err());
        com.fasterxml.jackson.databind.JsonNode job = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(prune.out());
        assertEquals("SUCCEEDED", job.path("status").asText(), prune.out());
        assertEquals(0, job.path("prune").path("removed").get(0).path("cycle").asLong(), prune.out());
        assertEquals("deleted", job.path("prune").path("removed").get(0).path("offsite").asText(), prune.out());
        assertFalse(Files.exists(backups.resolve("connectors/connectors_0")));
        assertEquals(objects.stream().filter(k -> !k.contains("/connectors_0/")).toList(), keys());
        assertEquals(List.of(), offsiteDeletionFiles(), "nothing left pending");
    }

    private record Result(int exit, String out, String err) {
    }

    /** The bucket's object keys, sorted (not S3Proxy's directory markers). */
    private List<String> keys() {
        return bucket.listObjectsV2Paginator(b -> b.bucket(BUCKET)).contents().stream()
                .map(software.amazon.awssdk.services.s3.model.S3Object::key).filter(k -> !k.endsWith("/")).sorted()
                .toList();
    }

    private List<Path> offsiteDeletionFiles() throws Exception {
        Path offsite = backups.resolve(EngineOptions.DEFAULT_STATE_DIR_NAME).resolve("offsite");
        if (!Files.isDirectory(offsite)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(offsite)) {
            return walk.filter(p -> p.getFileName().toString().startsWith("delete-")).toList();
        }
    }

    /** The command line in a JVM of its own, with off-site copies on. */
    private Result cli(String... args) throws Exception {
        return cli(List.of(), args);
    }

    /** {@link #cli(String...)} with more system properties ({@code -Dname=value}). */
    private Result cli(List<String> properties, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Dbackup.data-root=" + data, "-Dbackup.backup-root=" + backups, "-Dbackup.lock-timeout=10s",
                "-Dbackup.offsite.bucket=" + BUCKET, "-Dbackup.offsite.endpoint=" + server.endpoint(),
                "-Dbackup.offsite.path-style=true", "-Dbackup.offsite.prefix=" + PREFIX,
                "-Dbackup.offsite.access-key=" + S3ProxyServer.IDENTITY,
                "-Dbackup.offsite.secret-key=" + S3ProxyServer.CREDENTIAL));
        command.addAll(properties);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("BACKUP_DATASETS");
        Process process = builder.start();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(process.waitFor(), out, err);
    }

    private void wipeBackupRoot() throws Exception {
        try (Stream<Path> walk = Files.walk(backups)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        Files.createDirectories(backups);
    }

    /** Every file of the backup root's cycles (not the engine's state), relative path to content. */
    private Map<String, byte[]> layout() throws Exception {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(backups)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                Path rel = backups.relativize(f);
                if (!rel.startsWith(EngineOptions.DEFAULT_STATE_DIR_NAME)) {
                    files.put(rel.toString(), Files.readAllBytes(f));
                }
            }
        }
        return files;
    }

    private Map<String, Long> archiveTimes() throws Exception {
        Map<String, Long> times = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(backups)) {
            for (Path f : walk.filter(p -> p.toString().endsWith(".tar.gz")).toList()) {
                times.put(backups.relativize(f).toString(), Files.getLastModifiedTime(f).toMillis());
            }
        }
        return times;
    }
}
