package org.aiod.backup.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.engine.testing.Trees;
import org.aiod.backup.testing.DeploymentFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup job whose level cannot fit on the backup root (needs root: an 8 MiB tmpfs is mounted as the backup root)
 * ends FAILED with INSUFFICIENT_SPACE, its message naming bytes needed, bytes free and the backup root; HTTP would
 * answer the code with 507 and the command line exits 1.
 */
class DiskGuardJobTest {

    @TempDir
    Path tmp;

    private Path mounted;

    @AfterEach
    void unmount() throws Exception {
        if (mounted != null) {
            run("umount", mounted.toString());
        }
    }

    @Test
    void aBackupJobLargerThanTheFreeSpaceFailsInsufficientSpaceOnATmpfsAsRoot() throws Exception {
        Path data = tmp.resolve("data");
        Path root = Files.createDirectories(tmp.resolve("backups"));
        Assumptions.assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", root.toString()) == 0,
                "cannot mount a tmpfs here (not root, or no CAP_SYS_ADMIN)");
        mounted = root;
        Trees.write(data.resolve("ds/big.bin"), Trees.randomBytes(9, 10 * 1024 * 1024));
        BackupConfig config = DeploymentFiles.config(Map.of("BACKUP_DATA_ROOT", data.toString(),
                "BACKUP_BACKUP_ROOT", root.toString()), BackupConfig.class).getConfigMapping(BackupConfig.class);

        Job job = JobRunner.standalone(config).runNow(new JobCommand.Backup("ds", null, null, JobSource.CLI));

        assertEquals(JobState.FAILED, job.status(), job.toString());
        assertEquals(ErrorCode.INSUFFICIENT_SPACE, job.error().errorCode());
        assertEquals(507, job.error().errorCode().httpStatus());
        assertEquals(1, job.error().errorCode().exitStatus());
        String message = job.error().message();
        assertTrue(message.matches("(?s).*needs up to \\d+ bytes.*has \\d+ bytes free.*") && message.contains(
                root.toString()), message);
        assertTrue(Files.notExists(root.resolve("ds").resolve("ds_0")), "a cycle was created");
    }

    private static int run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        if (exit != 0) {
            System.err.println(String.join(" ", command) + " exited " + exit + ": " + output);
        }
        return exit;
    }
}
