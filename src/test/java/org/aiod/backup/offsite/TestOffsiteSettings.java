package org.aiod.backup.offsite;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;

import org.aiod.backup.catalog.DatasetCatalog;
import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.engine.OffsiteLayout;

/** {@code backup.offsite.*} for a test's S3Proxy, with the path style and keys it needs. */
record TestOffsiteSettings(String endpointUrl, String bucketName, String keyPrefix, long partBytes)
        implements BackupConfig.Offsite {

    /**
     * An uploader as the service builds one, with a test's short waits (a round every 200 ms; retries after 1 s,
     * doubling up to 30 s), reading and writing its states in {@code stateDir}.
     */
    static OffsiteUploader uploader(DatasetCatalog catalog, S3OffsiteStore store, String layoutPrefix,
            Path stateDir) {
        return new OffsiteUploader(catalog, store, new OffsiteLayout(layoutPrefix), stateDir, Duration.ofMillis(200),
                Duration.ofSeconds(1), Duration.ofSeconds(30), Clock.systemUTC());
    }

    @Override
    public Optional<String> bucket() {
        return Optional.of(bucketName);
    }

    @Override
    public Optional<String> endpoint() {
        return Optional.of(endpointUrl);
    }

    @Override
    public String region() {
        return "us-east-1";
    }

    @Override
    public Optional<String> prefix() {
        return Optional.ofNullable(keyPrefix);
    }

    @Override
    public boolean pathStyle() {
        return true;
    }

    @Override
    public Optional<String> accessKey() {
        return Optional.of(S3ProxyServer.IDENTITY);
    }

    @Override
    public Optional<String> secretKey() {
        return Optional.of(S3ProxyServer.CREDENTIAL);
    }

    @Override
    public Optional<String> storageClass() {
        return Optional.empty();
    }

    @Override
    public Optional<String> serverSideEncryption() {
        return Optional.empty();
    }

    @Override
    public MemorySize partSize() {
        return new MemorySize(java.math.BigInteger.valueOf(partBytes));
    }

    @Override
    public Duration retryInitial() {
        return Duration.ofMillis(200);
    }

    @Override
    public Duration retryMax() {
        return Duration.ofSeconds(1);
    }

    @Override
    public Duration scanInterval() {
        return Duration.ofSeconds(30);
    }

    @Override
    public BackupConfig.OffsiteRetention retention() {
        return new BackupConfig.OffsiteRetention() {
            @Override
            public java.util.OptionalInt keepLast() {
                return java.util.OptionalInt.empty();
            }

            @Override
            public Optional<Duration> keepWithin() {
                return Optional.empty();
            }

            @Override
            public java.util.OptionalInt keepDaily() {
                return java.util.OptionalInt.empty();
            }

            @Override
            public java.util.OptionalInt keepWeekly() {
                return java.util.OptionalInt.empty();
            }

            @Override
            public java.util.OptionalInt keepMonthly() {
                return java.util.OptionalInt.empty();
            }
        };
    }
}
