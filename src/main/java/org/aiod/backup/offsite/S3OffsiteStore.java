package org.aiod.backup.offsite;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.StorageClass;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.engine.OffsiteStore;

/**
 * The {@link OffsiteStore} of an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, Garage, S3Proxy), over the AWS SDK's
 * S3 client on the JDK's HTTP connection.
 *
 * <p>How an upload is checked: the file is read twice through one open channel, first for its SHA-256 (refused
 * before anything is sent when it differs from the one expected, the line of {@code SHA256SUMS}), then sent, in one
 * request up to {@code backup.offsite.part-size} or as a multipart upload in parts of that size. Every request body
 * carries its {@code Content-MD5}, which the store checks against the bytes it received (a mismatch is refused with
 * {@code BadDigest}); the whole file's SHA-256 is kept as the object's metadata {@code sha256}, and after the upload
 * the object's size and that metadata are read back ({@code HEAD}) and compared. S3's "additional checksums"
 * ({@code x-amz-checksum-sha256}) are not used: for a multipart upload they give a checksum of the parts' checksums,
 * not the file's SHA-256, and S3-compatible stores support them unevenly. The SDK's own default checksums are off
 * ({@code WHEN_REQUIRED}) for the same reason.
 */
public final class S3OffsiteStore implements OffsiteStore, AutoCloseable {

    /** The object metadata holding the whole file's SHA-256 (sent as {@code x-amz-meta-sha256}). */
    static final String SHA256_METADATA = "sha256";
    /**
     * The object metadata holding the modification time of the file it was put from (ISO-8601): an archive's is the
     * moment its level was committed, which a point-in-time restore of a fetched copy goes by.
     */
    static final String MTIME_METADATA = "mtime";

    private final S3Client client;
    private final String bucket;
    private final long partSize;
    private final String storageClass;
    private final String serverSideEncryption;

    S3OffsiteStore(S3Client client, String bucket, long partSize, String storageClass, String serverSideEncryption) {
        if (partSize < 1 || partSize > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("backup.offsite.part-size must be between 1 byte and 2 GiB: " + partSize);
        }
        this.client = client;
        this.bucket = bucket;
        this.partSize = partSize;
        this.storageClass = storageClass;
        this.serverSideEncryption = serverSideEncryption;
    }

    /** The store of {@code backup.offsite.*}; the settings must have a bucket. */
    public static S3OffsiteStore create(BackupConfig.Offsite config) {
        String bucket = config.bucket().filter(b -> !b.isBlank())
                .orElseThrow(() -> new IllegalArgumentException("backup.offsite.bucket is not set"));
        return new S3OffsiteStore(client(config), bucket, config.partSize().asLongValue(),
                config.storageClass().filter(s -> !s.isBlank()).orElse(null),
                config.serverSideEncryption().filter(s -> !s.isBlank()).orElse(null));
    }

    static S3Client client(BackupConfig.Offsite config) {
        AwsCredentialsProvider credentials = config.accessKey().filter(k -> !k.isBlank())
                .<AwsCredentialsProvider>map(k -> StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(k, config.secretKey().orElse(""))))
                .orElseGet(() -> DefaultCredentialsProvider.builder().build());
        var builder = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(60)))
                .region(Region.of(config.region()))
                .credentialsProvider(credentials)
                .forcePathStyle(config.pathStyle())
                // the SDK's default CRC32 on every request is refused by several S3-compatible stores; see the class
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        config.endpoint().filter(e -> !e.isBlank()).ifPresent(e -> builder.endpointOverride(URI.create(e)));
        return builder.build();
    }

    @Override
    public StoredObject put(String key, Path file, String expectedSha256) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            String mtime = Files.getLastModifiedTime(file).toInstant().toString();
            String sha256 = sha256(channel, size);
            if (expectedSha256 != null && !expectedSha256.equalsIgnoreCase(sha256)) {
                throw new IOException(file + " has SHA-256 " + sha256 + ", not " + expectedSha256
                        + " as listed in SHA256SUMS: not uploaded (the local copy is damaged; verify it)");
            }
            try {
                Map<String, String> metadata = Map.of(SHA256_METADATA, sha256, MTIME_METADATA, mtime);
                if (size <= partSize) {
                    putWhole(key, channel, size, metadata);
                } else {
                    putInParts(key, channel, size, metadata);
                }
            } catch (SdkException e) {
                throw new IOException("cannot upload " + file + " to s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
            }
            StoredObject stored = stat(key).orElseThrow(() -> new IOException("s3://" + bucket + "/" + key
                    + " is not in the store right after its upload"));
            if (stored.size() != size || !sha256.equals(stored.sha256())) {
                throw new IOException("s3://" + bucket + "/" + key + " holds " + stored.size() + " bytes with sha256 "
                        + stored.sha256() + " after its upload of " + size + " bytes with sha256 " + sha256);
            }
            return stored;
        }
    }

    private void putWhole(String key, FileChannel channel, long size, Map<String, String> metadata)
            throws IOException {
        byte[] body = read(channel, 0, (int) size);
        PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(bucket).key(key).contentLength(size)
                .contentMD5(md5(body, body.length)).metadata(metadata);
        if (storageClass != null) {
            request.storageClass(StorageClass.fromValue(storageClass));
        }
        if (serverSideEncryption != null) {
            request.serverSideEncryption(ServerSideEncryption.fromValue(serverSideEncryption));
        }
        client.putObject(request.build(), RequestBody.fromBytes(body));
    }

    private void putInParts(String key, FileChannel channel, long size, Map<String, String> metadata)
            throws IOException {
        CreateMultipartUploadRequest.Builder create = CreateMultipartUploadRequest.builder().bucket(bucket).key(key)
                .metadata(metadata);
        if (storageClass != null) {
            create.storageClass(StorageClass.fromValue(storageClass));
        }
        if (serverSideEncryption != null) {
            create.serverSideEncryption(ServerSideEncryption.fromValue(serverSideEncryption));
        }
        String uploadId = client.createMultipartUpload(create.build()).uploadId();
        boolean completed = false;
        try {
            List<CompletedPart> parts = new ArrayList<>();
            byte[] buffer = new byte[(int) partSize];
            int number = 1;
            for (long offset = 0; offset < size; offset += partSize, number++) {
                int length = (int) Math.min(partSize, size - offset);
                readInto(channel, offset, buffer, length);
                int partNumber = number;
                String etag = client.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                        .partNumber(partNumber).contentLength((long) length).contentMD5(md5(buffer, length)),
                        RequestBody.fromInputStream(new ByteArrayInputStream(buffer, 0, length), length)).eTag();
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
            }
            client.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
            completed = true;
        } finally {
            if (!completed) {
                try {
                    client.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
                } catch (SdkException e) {
                    // the store is likely down; its lifecycle rules (or the next upload of the key) clear the parts
                }
            }
        }
    }

    @Override
    public Optional<StoredObject> stat(String key) throws IOException {
        try {
            HeadObjectResponse head = client.headObject(b -> b.bucket(bucket).key(key));
            return Optional.of(new StoredObject(key, head.contentLength(), head.metadata().get(SHA256_METADATA),
                    modified(head.metadata().get(MTIME_METADATA), head.lastModified())));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw new IOException("cannot read s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new IOException("cannot read s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public StoredObject get(String key, Path file) throws IOException {
        try {
            GetObjectResponse response = client.getObject(b -> b.bucket(bucket).key(key),
                    ResponseTransformer.toFile(file));
            return new StoredObject(key, response.contentLength(), response.metadata().get(SHA256_METADATA),
                    modified(response.metadata().get(MTIME_METADATA), response.lastModified()));
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException("s3://" + bucket + "/" + key, null, "no such object in the store");
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new NoSuchFileException("s3://" + bucket + "/" + key, null, "no such object in the store");
            }
            throw new IOException("cannot download s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new IOException("cannot download s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<StoredObject> list(String prefix) throws IOException {
        try {
            List<StoredObject> found = new ArrayList<>();
            for (S3Object o : client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
                if (!o.key().endsWith("/")) { // the "directories" some stores (S3Proxy's filesystem backend) list
                    found.add(new StoredObject(o.key(), o.size(), null, o.lastModified()));
                }
            }
            found.sort(java.util.Comparator.comparing(StoredObject::key));
            return found;
        } catch (SdkException e) {
            throw new IOException("cannot list s3://" + bucket + "/" + prefix + ": " + e.getMessage(), e);
        }
    }

    /** The recorded modification time of the object's file, else the store's time of the object. */
    private static Instant modified(String recorded, Instant stored) {
        if (recorded != null) {
            try {
                return Instant.parse(recorded);
            } catch (DateTimeParseException e) {
                // not one this service wrote: the store's own time
            }
        }
        return stored;
    }

    @Override
    public void check() throws IOException {
        try {
            client.headBucket(b -> b.bucket(bucket));
        } catch (S3Exception e) {
            throw new IOException("bucket " + bucket + " answers HTTP " + e.statusCode()
                    + (e.statusCode() == 404 ? " (no such bucket)" : e.statusCode() == 403 ? " (access denied)" : ""),
                    e);
        } catch (SdkException e) {
            throw new IOException("the store of bucket " + bucket + " cannot be reached: " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(String key) throws IOException {
        try {
            client.deleteObject(b -> b.bucket(bucket).key(key));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return; // S3 answers 204 for a key that is not there; some stores 404: gone either way
            }
            throw new IOException("cannot delete s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new IOException("cannot delete s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }

    /** The bucket the copies go to. */
    public String bucket() {
        return bucket;
    }

    @Override
    public void close() {
        client.close();
    }

    private static String sha256(FileChannel channel, long size) throws IOException {
        MessageDigest digest = digest("SHA-256");
        ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
        long position = 0;
        while (position < size) {
            buffer.clear();
            int n = channel.read(buffer, position);
            if (n < 0) {
                throw new IOException("the file ended at " + position + " of " + size + " bytes while it was read");
            }
            buffer.flip();
            digest.update(buffer);
            position += n;
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static byte[] read(FileChannel channel, long offset, int length) throws IOException {
        byte[] bytes = new byte[length];
        readInto(channel, offset, bytes, length);
        return bytes;
    }

    private static void readInto(FileChannel channel, long offset, byte[] into, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(into, 0, length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, offset + buffer.position()) < 0) {
                throw new IOException("the file ended at " + (offset + buffer.position()) + " while it was read");
            }
        }
    }

    private static String md5(byte[] bytes, int length) {
        MessageDigest digest = digest("MD5");
        digest.update(bytes, 0, length);
        return Base64.getEncoder().encodeToString(digest.digest());
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new UncheckedIOException(new IOException(algorithm + " is not available", e));
        }
    }
}
