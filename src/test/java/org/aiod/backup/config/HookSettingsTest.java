package org.aiod.backup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.aiod.backup.testing.DeploymentFiles;
import org.junit.jupiter.api.Test;

/**
 * {@code backup.hooks."<dataset>".*} as a container gets it: environment variables over application.properties, as the
 * README's compose example sets them.
 */
class HookSettingsTest {

    private static BackupConfig config(Map<String, String> env) {
        return DeploymentFiles.config(env, BackupConfig.class).getConfigMapping(BackupConfig.class);
    }

    @Test
    void noHooksByDefault() {
        assertEquals(Map.of(), config(Map.of()).hooks());
    }

    @Test
    void hooksComeFromEnvironmentVariablesWithTheirDefaults() {
        BackupConfig config = config(Map.of(
                "BACKUP_HOOKS_MARIADB_BEFORE_BACKUP_COMMAND", "mariadb-dump,--single-transaction,--all-databases",
                "BACKUP_HOOKS_MARIADB_AFTER_BACKUP_COMMAND", "rm,-f,/opt/data/mariadb/all.sql",
                "BACKUP_HOOKS_MARIADB_AFTER_BACKUP_ON_ERROR", "continue",
                "BACKUP_HOOKS_MARIADB_AFTER_BACKUP_TIMEOUT", "30s"));
        BackupConfig.DatasetHooks hooks = config.hooks().get("mariadb");
        BackupConfig.Hook before = hooks.beforeBackup().orElseThrow();
        assertEquals(List.of("mariadb-dump", "--single-transaction", "--all-databases"), before.command());
        assertEquals(Duration.ofMinutes(5), before.timeout());
        assertEquals(BackupConfig.OnError.FAIL, before.onError());
        BackupConfig.Hook after = hooks.afterBackup().orElseThrow();
        assertEquals(Duration.ofSeconds(30), after.timeout());
        assertEquals(BackupConfig.OnError.CONTINUE, after.onError());
        assertTrue(hooks.beforeRestore().isEmpty());
        assertTrue(hooks.afterRestore().isEmpty());
    }

    @Test
    void aDatasetNameWithADashIsQuotedInAPropertyKey() {
        // an environment variable cannot say "-": BACKUP_HOOKS__MYSQL_DUMP__... is the dataset "mysql.dump"
        BackupConfig config = new io.smallrye.config.SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .withMapping(BackupConfig.class)
                .withConverter(Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withDefaultValues(Map.of("backup.data-root", "/d", "backup.backup-root", "/b",
                        "backup.hooks.\"mysql-dump\".before-backup.command", "true"))
                .withValidateUnknown(false)
                .build().getConfigMapping(BackupConfig.class);
        assertEquals(List.of("true"), config.hooks().get("mysql-dump").beforeBackup().orElseThrow().command());
    }

    @Test
    void anOnErrorThatIsNeitherFailNorContinueIsRefused() {
        assertThrows(RuntimeException.class, () -> config(Map.of("BACKUP_HOOKS_DB_BEFORE_BACKUP_COMMAND", "true",
                "BACKUP_HOOKS_DB_BEFORE_BACKUP_ON_ERROR", "ignore")).hooks().get("db").beforeBackup());
    }
}
