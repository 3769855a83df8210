package org.aiod.backup.offsite;

import java.nio.file.Path;

/** One S3Proxy for a {@code @QuarkusTest}'s profile, which the test stops and starts again. */
public final class S3ProxyTesting {

    public static final String IDENTITY = S3ProxyServer.IDENTITY;
    public static final String CREDENTIAL = S3ProxyServer.CREDENTIAL;

    private static S3ProxyServer server;

    private S3ProxyTesting() {
    }

    /** Starts the server with {@code bucket} made; returns its endpoint. */
    public static synchronized String start(Path directory, String bucket) throws Exception {
        server = new S3ProxyServer(directory).start();
        try (var client = server.client()) {
            client.createBucket(b -> b.bucket(bucket));
        }
        return server.endpoint();
    }

    /** Takes the store down (the port stops answering). */
    public static synchronized void down() throws Exception {
        server.stop();
    }

    /** Brings it back with the objects it had. */
    public static synchronized void up() throws Exception {
        server.start();
    }

    /** Replaces the object at {@code key} with {@code bytes}, without metadata, as damage in the store would. */
    public static synchronized void overwrite(String bucket, String key, byte[] bytes) {
        try (var client = server.client()) {
            client.putObject(b -> b.bucket(bucket).key(key),
                    software.amazon.awssdk.core.sync.RequestBody.fromBytes(bytes));
        }
    }

    /** Removes the object at {@code key}, as a mistaken lifecycle rule or hand would. */
    public static synchronized void delete(String bucket, String key) {
        try (var client = server.client()) {
            client.deleteObject(b -> b.bucket(bucket).key(key));
        }
    }

    /** The content of the object at {@code key}. */
    public static synchronized byte[] get(String bucket, String key) {
        try (var client = server.client()) {
            return client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
        }
    }

    /** The keys of the objects under {@code prefix}, sorted (the filesystem backend's directories left out). */
    public static synchronized java.util.List<String> keys(String bucket, String prefix) {
        try (var client = server.client()) {
            return client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
                    .map(software.amazon.awssdk.services.s3.model.S3Object::key).filter(k -> !k.endsWith("/"))
                    .sorted().toList();
        }
    }

    public static synchronized void close() {
        try {
            if (server != null) {
                server.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            server = null;
        }
    }
}
