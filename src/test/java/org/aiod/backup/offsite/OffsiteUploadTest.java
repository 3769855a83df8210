package org.aiod.backup.offsite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.aiod.backup.catalog.DatasetCatalog;
import org.aiod.backup.engine.Engine;
import org.aiod.backup.engine.EngineOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The uploader against a real S3 server (S3Proxy on a filesystem backend): every committed level reaches the bucket
 * under the backup root's own layout, byte for byte; a large archive goes up in parts; a store that is down holds
 * nothing up and is caught up when it returns, also across a restart of the uploader.
 */
class OffsiteUploadTest {

    private static final String BUCKET = "offsite";
    private static final String PREFIX = "site-a/backups";

    @TempDir
    Path dir;

    private Path data;
    private Path backups;
    private Path stateDir;
    private Engine engine;
    private DatasetCatalog catalog;
    private S3ProxyServer server;
    private S3Client bucket;
    private S3OffsiteStore store;
    private OffsiteUploader uploader;

    @BeforeEach
    void setUp() throws Exception {
        data = Files.createDirectories(dir.resolve("data"));
        backups = Files.createDirectories(dir.resolve("backups"));
        stateDir = backups.resolve(EngineOptions.DEFAULT_STATE_DIR_NAME).resolve("offsite");
        engine = new Engine(EngineOptions.defaults(data, backups).withCycleLength(2));
        catalog = new DatasetCatalog(engine, List.of());
        server = new S3ProxyServer(Files.createDirectories(dir.resolve("s3"))).start();
        bucket = server.client();
        bucket.createBucket(b -> b.bucket(BUCKET));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (uploader != null) {
            uploader.close();
        }
        if (store != null) {
            store.close();
        }
        bucket.close();
        server.close();
    }

    private OffsiteUploader uploader(long partSize) {
        store = S3OffsiteStore.create(new TestOffsiteSettings(server.endpoint(), BUCKET, "/" + PREFIX + "/", partSize));
        return TestOffsiteSettings.uploader(catalog, store, PREFIX, stateDir);
    }

    @Test
    void everyCommittedLevelIsInTheBucketUnderTheDiskLayoutByteForByte() throws Exception {
        Path ds = Files.createDirectories(data.resolve("connectors"));
        Files.writeString(ds.resolve("a.txt"), "first");
        engine.backup("connectors");
        Files.writeString(ds.resolve("b.txt"), "second");
        engine.backup("connectors");
        Files.writeString(ds.resolve("a.txt"), "third");
        engine.backup("connectors"); // cycle length 2: cycle 1, level 0

        uploader = uploader(16 << 20);
        uploader.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> uploader.levels().size() == 3
                && uploader.levels().stream().noneMatch(OffsiteLevel::waiting));

        assertEquals(localFiles(), objects());
        assertEquals(List.of("0/0 UPLOADED", "0/1 UPLOADED", "1/0 UPLOADED"), uploader.levels().stream()
                .map(l -> l.cycle() + "/" + l.level() + " " + l.status()).toList());
        assertEquals(Files.size(backups.resolve("connectors/connectors_0/connectors1.tar.gz")),
                uploader.level("connectors", 0, 1).orElseThrow().bytes());

        // a new level is uploaded once the uploader is woken, as a backup of the service does
        Files.writeString(ds.resolve("c.txt"), "fourth");
        engine.backup("connectors");
        uploader.wake();
        await().atMost(Duration.ofSeconds(30)).until(() -> uploader.level("connectors", 1, 1)
                .filter(l -> !l.waiting()).isPresent());
        assertEquals(localFiles(), objects());
    }

    @Test
    void anArchiveOverThePartSizeGoesUpInPartsAndArrivesWhole() throws Exception {
        Path ds = Files.createDirectories(data.resolve("media"));
        // incompressible: the archive is over two parts of 5 MiB, the least part size S3 (and S3Proxy) accepts
        byte[] noise = new byte[11 * 1024 * 1024 + 12345];
        new Random(14).nextBytes(noise);
        Files.write(ds.resolve("noise.bin"), noise);
        engine.backup("media");
        Path archive = backups.resolve("media/media_0/media0.tar.gz");
        assertTrue(Files.size(archive) > 10L << 20, "archive size " + Files.size(archive));

        uploader = uploader(5 << 20);
        uploader.round();

        assertEquals(OffsiteLevel.Status.UPLOADED, uploader.level("media", 0, 0).orElseThrow().status(),
                uploader.level("media", 0, 0).orElseThrow().toString());
        String key = PREFIX + "/media/media_0/media0.tar.gz";
        // S3's ETag of a multipart object is "<md5 of the parts' md5s>-<number of parts>"
        String etag = bucket.headObject(b -> b.bucket(BUCKET).key(key)).eTag();
        assertTrue(etag.endsWith("-3\""), etag);
        assertEquals(sha256(Files.readAllBytes(archive)), sha256(get(key)));
        assertEquals(localFiles(), objects());
    }

    @Test
    void aStoreDownForAWhileHoldsNoBackupUpAndIsCaughtUpWhenItReturnsAcrossARestart() throws Exception {
        Path ds = Files.createDirectories(data.resolve("connectors"));
        Files.writeString(ds.resolve("a.txt"), "first");
        engine.backup("connectors");
        server.stop();

        uploader = uploader(16 << 20);
        uploader.round();
        OffsiteLevel failed = uploader.level("connectors", 0, 0).orElseThrow();
        assertEquals(OffsiteLevel.Status.FAILED, failed.status());
        assertEquals(1, failed.attempts());
        assertTrue(failed.reason().contains("connectors0.tar.gz"), failed.reason());
        assertTrue(failed.nextAttempt().isAfter(failed.committed()), failed.toString());

        // backups go on while the store is down
        Files.writeString(ds.resolve("b.txt"), "second");
        engine.backup("connectors");
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            uploader.round();
            return uploader.level("connectors", 0, 0).orElseThrow().attempts() >= 2
                    && uploader.level("connectors", 0, 1).isPresent();
        });
        assertTrue(uploader.level("connectors", 0, 1).orElseThrow().waiting());

        // a restart finds the states as they were left
        uploader.close();
        store.close();
        uploader = uploader(16 << 20);
        assertEquals(OffsiteLevel.Status.FAILED, uploader.level("connectors", 0, 0).orElseThrow().status());
        assertTrue(uploader.level("connectors", 0, 0).orElseThrow().attempts() >= 2);

        server.start();
        uploader.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> uploader.levels().size() == 2
                && uploader.levels().stream().noneMatch(OffsiteLevel::waiting));
        assertEquals(localFiles(), objects());
    }

    /** Every object of the bucket, key to SHA-256. */
    private Map<String, String> objects() throws Exception {
        Map<String, String> found = new TreeMap<>();
        for (S3Object o : bucket.listObjectsV2Paginator(b -> b.bucket(BUCKET)).contents()) {
            if (o.key().endsWith("/")) {
                continue; // the directories of S3Proxy's filesystem backend, listed as empty objects
            }
            found.put(o.key(), sha256(get(o.key())));
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

    private byte[] get(String key) {
        ResponseBytes<GetObjectResponse> bytes = bucket.getObjectAsBytes(b -> b.bucket(BUCKET).key(key));
        return bytes.asByteArray();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
