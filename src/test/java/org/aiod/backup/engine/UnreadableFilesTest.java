package org.aiod.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.aiod.backup.engine.testing.GnuTar;
import org.aiod.backup.engine.testing.Trees;
import org.aiod.backup.testing.Unprivileged;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files a backup cannot read (mode {@code 000}: permission denied) are not a failure of the whole level and not a
 * warning among "file changed as we read it": the level is committed with everything else, and the summary names
 * each file not taken with its reason, apart from the benign warnings. A small file (read ahead on another thread)
 * and a large one (streamed when written) take different paths; both are covered. Works as root too (CI): the
 * backup runs in a child JVM without the capabilities that let root read any file, see {@link Unprivileged}.
 */
class UnreadableFilesTest {

    private static final String DS = "locked";

    @TempDir
    Path tmp;

    @Test
    void unreadableFilesAreListedAsNotTakenAndTheLevelIsCommittedWithoutThem() throws Exception {
        Path data = tmp.resolve("data");
        Path backups = tmp.resolve("backups");
        Path dataset = data.resolve(DS);
        Trees.write(dataset.resolve("readable.txt"), "everyone may read this\n");
        Trees.write(dataset.resolve("sub/also-readable.txt"), "and this\n");
        Trees.chmod(Trees.write(dataset.resolve("secret.txt"), "nobody may read this\n"), "---------");
        byte[] large = new byte[1024 * 1024];
        java.util.Arrays.fill(large, (byte) 'x');
        Trees.chmod(Trees.write(dataset.resolve("sub/large-secret.bin"), large), "---------");

        Process child = new ProcessBuilder(Unprivileged.java(UnreadableFilesMain.class, data.toString(),
                backups.toString(), DS)).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(2, TimeUnit.MINUTES), output);
        assertEquals(0, child.exitValue(), "the backup itself succeeds:\n" + output);
        List<String> lines = output.lines().toList();

        assertTrue(lines.contains("level 0 0"), output);
        assertTrue(lines.contains("notTaken secret.txt\tpermission denied"), output);
        assertTrue(lines.contains("notTaken sub/large-secret.bin\tpermission denied"), output);
        assertTrue(lines.contains("notTakenCount 2"), output);
        assertTrue(lines.contains("files 2"), output);
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("warning ") && l.contains("secret")),
                "a file not taken is not a mere warning:\n" + output);

        // the level is committed (checksummed) and holds exactly the readable files
        Path archive = GnuTar.archive(backups, DS, 0, 0);
        assertTrue(Files.isRegularFile(archive), output);
        assertTrue(Files.readString(GnuTar.cycleDir(backups, DS, 0).resolve("SHA256SUMS"))
                .contains(archive.getFileName().toString()));
        List<String> members = GnuTar.members(archive);
        assertTrue(members.contains("./locked/readable.txt"), members.toString());
        assertTrue(members.contains("./locked/sub/also-readable.txt"), members.toString());
        assertFalse(members.stream().anyMatch(m -> m.contains("secret")), members.toString());
        assertTrue(Files.notExists(backups.resolve(DS).resolve(DS + "_0").resolve(DS + "0.tar.gz.tmp")));
    }

    /**
     * A directory that cannot be listed is not taken either (before, it failed the whole backup): the level is
     * committed with everything else and names it; the next level, once it can be listed, takes it whole, and a
     * restore of that level gives the full tree back.
     */
    @Test
    void aDirectoryThatCannotBeListedIsNotTakenAndTheNextLevelTakesItWhole() throws Exception {
        Path data = tmp.resolve("data");
        Path backups = tmp.resolve("backups");
        Path dataset = data.resolve(DS);
        Trees.write(dataset.resolve("readable.txt"), "everyone may read this\n");
        Trees.write(dataset.resolve("closed/inner.txt"), "behind a closed door\n");
        Trees.write(dataset.resolve("closed/deeper/more.txt"), "and more\n");
        Trees.chmod(dataset.resolve("closed"), "---------");

        Process child = new ProcessBuilder(Unprivileged.java(UnreadableFilesMain.class, data.toString(),
                backups.toString(), DS)).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(2, TimeUnit.MINUTES), output);
        assertEquals(0, child.exitValue(), "the backup itself succeeds:\n" + output);
        List<String> lines = output.lines().toList();
        assertTrue(lines.contains("level 0 0"), output);
        assertTrue(lines.contains("notTaken closed/\tcannot list the directory: permission denied"), output);
        assertTrue(lines.contains("notTakenCount 1"), output);
        List<String> members = GnuTar.members(GnuTar.archive(backups, DS, 0, 0));
        assertTrue(members.contains("./locked/readable.txt"), members.toString());
        assertFalse(members.stream().anyMatch(m -> m.contains("inner") || m.contains("more")), members.toString());

        // opened again: the next level takes the directory whole, and a restore of it is the whole tree
        Trees.chmod(dataset.resolve("closed"), "rwxr-xr-x");
        org.aiod.backup.engine.testing.TreeSnapshot source = org.aiod.backup.engine.testing.TreeSnapshot.of(dataset);
        Engine engine = new Engine(EngineOptions.defaults(data, backups).withCycleLength(10));
        BackupSummary next = engine.backup(DS);
        assertEquals(1, next.level());
        assertEquals(0, next.notTakenCount());
        List<String> nextMembers = GnuTar.members(GnuTar.archive(backups, DS, 0, 1));
        assertTrue(nextMembers.contains("./locked/closed/inner.txt"), nextMembers.toString());
        assertTrue(nextMembers.contains("./locked/closed/deeper/more.txt"), nextMembers.toString());
        Trees.write(dataset.resolve("readable.txt"), "overwritten before the restore\n");
        engine.restore(DS, 0, 1);
        org.aiod.backup.engine.testing.TreeSnapshot.of(dataset).assertSameAs(source, "restored level 1");
    }
}
