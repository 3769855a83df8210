package org.aiod.backup.api;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The HTTP lifecycle tests' settings: one level per cycle, so that each backup is a cycle of its own, and a retention
 * of the newest cycle, so that a prune has something to remove. Shared by the prune and verify tests (one start).
 */
public class LifecycleProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("backup.cycle-length", "1", "backup.retention.keep-last", "1");
    }
}
