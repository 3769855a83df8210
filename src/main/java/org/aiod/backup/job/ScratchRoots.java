package org.aiod.backup.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.aiod.backup.engine.BackupException;
import org.aiod.backup.engine.BackupSummary;
import org.aiod.backup.engine.Engine;
import org.aiod.backup.engine.EngineOptions;
import org.aiod.backup.engine.FileTrees;

/**
 * A scratch directory holding a data root, a backup root and a restore root of its own, and the engine run on them:
 * the engine-facing part of the start-up round trip ({@code org.aiod.backup.health.StartupRoundTrip}), which lives
 * beside the health check it feeds. It is here because only this package runs the engine; it never touches a
 * managed dataset, the journal or the queue. The engine is new for every run, as a fresh process would make it.
 */
public final class ScratchRoots {

    /** What a backup wrote. */
    public record Written(long cycle, int level) {
    }

    /** A run the engine refused or could not complete; the message is the engine's code and reason. */
    public static final class RunFailed extends Exception {
        RunFailed(BackupException cause) {
            super(cause.code() + ": " + cause.getMessage(), cause);
        }
    }

    private final Path workDir;
    private final Path backupRoot;

    private ScratchRoots(Path workDir, Path backupRoot) {
        this.workDir = workDir;
        this.backupRoot = backupRoot;
    }

    /** Roots in {@code workDir}, which nothing here creates before a run does: {@code data/}, {@code backups/}. */
    public static ScratchRoots in(Path workDir) {
        Path dir = workDir.toAbsolutePath().normalize();
        return new ScratchRoots(dir, dir.resolve("backups"));
    }

    /** The same roots with the backups written somewhere else, for instance somewhere that cannot be written. */
    public ScratchRoots withBackupRoot(Path root) {
        return new ScratchRoots(workDir, root);
    }

    public Path workDir() {
        return workDir;
    }

    /** Where the tree to back up lies, one directory per dataset. */
    public Path dataRoot() {
        return workDir.resolve("data");
    }

    /** Where a restore writes its datasets. */
    public Path restoreRoot() {
        return workDir.resolve("restored");
    }

    /** Backs up {@code dataset} of the data root, level by level as the service does. */
    public Written backup(String dataset) throws RunFailed {
        try {
            BackupSummary summary = new Engine(options(dataRoot())).backup(dataset);
            return new Written(summary.cycle(), summary.level());
        } catch (BackupException e) {
            throw new RunFailed(e);
        }
    }

    /** Restores the whole of {@code cycle} of {@code dataset} into the restore root; returns the last level. */
    public int restore(String dataset, long cycle) throws RunFailed {
        try {
            return new Engine(options(restoreRoot())).restore(dataset, cycle, null).level();
        } catch (BackupException e) {
            throw new RunFailed(e);
        }
    }

    /** Deletes the scratch directory and all in it; a missing one is fine. */
    public void delete() throws IOException {
        FileTrees.deleteRecursively(workDir);
    }

    /** Deletes the entries of {@code parent} not modified for {@code age}: scratch directories of killed runs. */
    public static void sweep(Path parent, Duration age) {
        Instant cutoff = Instant.now().minus(age);
        try (var entries = Files.newDirectoryStream(parent)) {
            for (Path entry : entries) {
                if (Files.getLastModifiedTime(entry, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(cutoff)) {
                    FileTrees.deleteRecursively(entry);
                }
            }
        } catch (IOException e) {
            // nothing to sweep, or not sweepable: the run itself reports what is wrong with the directory
        }
    }

    /** Small and quick: gzip level 1, and a short wait should another run hold the scratch dataset's lock. */
    private EngineOptions options(Path dataRoot) {
        return EngineOptions.defaults(dataRoot, backupRoot)
                .withCycleLength(EngineOptions.DEFAULT_CYCLE_LENGTH)
                .withGzipLevel(1)
                .withLockTimeout(Duration.ofSeconds(30));
    }
}
