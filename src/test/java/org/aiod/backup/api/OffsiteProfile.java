package org.aiod.backup.api;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;

import org.aiod.backup.offsite.S3ProxyTesting;

/**
 * The service with off-site copies on, to an S3Proxy (filesystem backend) that this profile starts on a free port
 * and {@link S3ProxyTesting} can stop and start again; retries after 200 ms, doubled up to 1 s; a prune keeps the newest
 * cycle.
 */
public class OffsiteProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(Store.class));
    }

    /** Starts the S3Proxy and points {@code backup.offsite.*} at it. */
    public static class Store implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            try {
                Path dir = Files.createTempDirectory("offsite-s3");
                String endpoint = S3ProxyTesting.start(dir, "service-offsite");
                return Map.of("backup.offsite.bucket", "service-offsite", "backup.offsite.endpoint", endpoint,
                        "backup.offsite.path-style", "true", "backup.offsite.access-key", S3ProxyTesting.IDENTITY,
                        "backup.offsite.secret-key", S3ProxyTesting.CREDENTIAL, "backup.offsite.prefix", "svc",
                        "backup.offsite.retry-initial", "200ms", "backup.offsite.retry-max", "1s",
                        // a prune keeps the newest cycle (only OffsiteHttpTest prunes)
                        "backup.retention.keep-last", "1");
            } catch (Exception e) {
                throw new IllegalStateException("cannot start S3Proxy", e);
            }
        }

        @Override
        public void stop() {
            S3ProxyTesting.close();
        }
    }
}
