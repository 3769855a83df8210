package org.aiod.backup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.aiod.backup.testing.DeploymentFiles;
import org.junit.jupiter.api.Test;

/** {@code backup.state-dir} as a container reads it: its default, what is derived from it, and a refused value. */
class StateDirSettingTest {

    @Test
    void byDefaultTheStateDirectoryIsTheDotDirectoryOfTheBackupRootAsBefore() {
        BackupConfig config = config(Map.of("BACKUP_BACKUP_ROOT", "/srv/backups"));

        assertEquals(Path.of("/srv/backups/.aiod-backup"), config.stateDir());
        assertEquals(Path.of("/srv/backups/.aiod-backup/jobs"), config.journalDir());
        assertEquals(Path.of("/srv/backups/.aiod-backup/selftest"), config.selfTestDir());
        assertEquals(Path.of("/srv/backups/.aiod-backup/broker"), config.brokerDir());
        assertEquals(Path.of("/srv/backups/.aiod-backup"), EngineProducer.create(config).options().stateDir());
    }

    @Test
    void aConfiguredStateDirectoryIsWhereEverythingOfTheServiceGoes() {
        BackupConfig config = config(Map.of("BACKUP_BACKUP_ROOT", "/srv/backups", "BACKUP_STATE_DIR", "/srv/state"));

        assertEquals(Path.of("/srv/state/jobs"), config.journalDir());
        assertEquals(Path.of("/srv/state/broker"), config.brokerDir());
        assertEquals(Path.of("/srv/state"), EngineProducer.create(config).options().stateDir());
    }

    @Test
    void aStateDirectoryThatCouldBeADatasetIsRefusedNamingIt() {
        BackupConfig config = config(Map.of("BACKUP_BACKUP_ROOT", "/srv/backups",
                "BACKUP_STATE_DIR", "/srv/backups/state"));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EngineProducer.create(config));

        assertTrue(e.getMessage().contains("/srv/backups/state"), e.getMessage());
    }

    private static BackupConfig config(Map<String, String> env) {
        return DeploymentFiles.config(env, BackupConfig.class).getConfigMapping(BackupConfig.class);
    }
}
