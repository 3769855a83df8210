package org.aiod.backup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.aiod.backup.testing.DeploymentFiles;
import org.junit.jupiter.api.Test;

/**
 * {@code backup.disk.warn-free} as a container and the command line read it (a configuration built without Quarkus's
 * discovered converters): its default, a size with a unit, and 0 for off.
 */
class DiskSettingTest {

    @Test
    void warnFreeDefaultsToOneGibibyte() {
        assertEquals(1L << 30, config(Map.of()).disk().warnFree().asLongValue());
    }

    @Test
    void warnFreeTakesASizeWithAUnitOrZeroForOff() {
        assertEquals(2L << 30, config(Map.of("BACKUP_DISK_WARN_FREE", "2G")).disk().warnFree().asLongValue());
        assertEquals(500L << 20, config(Map.of("BACKUP_DISK_WARN_FREE", "500M")).disk().warnFree().asLongValue());
        assertEquals(0, config(Map.of("BACKUP_DISK_WARN_FREE", "0")).disk().warnFree().asLongValue());
    }

    private static BackupConfig config(Map<String, String> env) {
        return DeploymentFiles.config(env, BackupConfig.class).getConfigMapping(BackupConfig.class);
    }
}
