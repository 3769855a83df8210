package org.aiod.backup.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Verifies a dataset's backups at a depth ({@link VerifyDepth}): reads archives to their end and compares them with
 * SHA256SUMS, and for a drill restores the newest restorable level into a scratch directory and checks it
 * ({@link DrillRun}). Changes no backup; takes the dataset's lock, so it sees no level half-committed; records, per
 * level read, what it found ({@link VerifyRecords}).
 */
record Verifier(EngineOptions options, Layout layout, VerifyRecords records) {

    /**
     * Every archive of {@code dataset}, of one cycle or of all when {@code cycle} is null, in level order, read
     * against SHA256SUMS; recorded as a {@link VerifyDepth#CHECKSUMS} verify of each level read.
     */
    List<LevelCheck> verify(String dataset, Long cycle) {
        requireDataset(dataset);
        try (DatasetLock lock = DatasetLock.acquire(layout.lockFile(dataset), dataset, options.lockTimeout())) {
            List<LevelCheck> checks = checksums(dataset, cycle, ProgressListener.NONE);
            record(dataset, checks, VerifyDepth.CHECKSUMS, null);
            return checks;
        } catch (IOException e) {
            throw FileOps.translate(e, "verifying dataset '" + dataset + "'");
        }
    }

    /** Verifies {@code dataset} at {@code depth} under its lock and records what it found per level read. */
    VerifySummary verify(String dataset, VerifyDepth depth, ProgressListener listener) {
        requireDataset(dataset);
        try (DatasetLock lock = DatasetLock.acquire(layout.lockFile(dataset), dataset, options.lockTimeout())) {
            listener.phase(Phase.LOCKED);
            if (depth == VerifyDepth.CHECKSUMS) {
                List<LevelCheck> checks = checksums(dataset, null, listener);
                record(dataset, checks, depth, null);
                return new VerifySummary(dataset, depth, checks, null, lock.waited());
            }
            List<LevelCheck> checks = new ArrayList<>();
            VerifySummary.Drill drill = new DrillRun(layout).drill(dataset, checks, listener);
            record(dataset, checks, depth, drill);
            return new VerifySummary(dataset, depth, List.copyOf(checks), drill, lock.waited());
        } catch (IOException e) {
            throw FileOps.translate(e, "verifying dataset '" + dataset + "'");
        }
    }

    private void requireDataset(String dataset) {
        Layout.requireValidName(dataset);
        DatasetChecks.requireBackups(layout, dataset);
        DatasetChecks.isDatasetDirectory(dataset, layout.datasetDir(dataset));
    }

    private List<LevelCheck> checksums(String dataset, Long cycle, ProgressListener listener) throws IOException {
        List<Long> labels = cycle == null ? layout.cycleLabels(dataset) : List.of(cycle);
        Map<Long, TreeMap<Integer, Path>> archivesByCycle = new java.util.LinkedHashMap<>();
        long toRead = 0;
        for (long label : labels) {
            TreeMap<Integer, Path> archives = layout.archives(dataset, label);
            archivesByCycle.put(label, archives);
            for (Path archive : archives.values()) {
                toRead += Files.size(archive);
            }
        }
        listener.toRead(toRead);
        List<LevelCheck> checks = new ArrayList<>();
        for (long label : labels) {
            TreeMap<Integer, Path> archives = archivesByCycle.get(label);
            if (archives.isEmpty() && cycle != null) {
                throw new BackupException.CycleNotFound("dataset '" + dataset + "' has no cycle " + cycle
                        + " with a level archive (cycles: " + layout.cycleLabels(dataset) + ")");
            }
            Map<String, String> sums = Checksums.read(layout.sums(dataset, label));
            for (int i = 0; !archives.isEmpty() && i <= archives.lastKey(); i++) {
                Path archive = archives.get(i);
                if (archive == null) {
                    checks.add(new LevelCheck(label, i, layout.archive(dataset, label, i, Compression.GZIP),
                            LevelCheck.Status.MISSING, "no archive " + dataset + i + ".tar.gz or .tar.zst, though"
                            + " level " + archives.lastKey() + " has one: levels " + i + ".."
                            + archives.lastKey() + " cannot be restored"));
                    continue;
                }
                checks.add(check(label, i, archive, sums.get(archive.getFileName().toString()), listener));
            }
        }
        return checks;
    }

    /**
     * Writes down each level read. A drill that found problems records its restored level as corrupt, with the
     * problems, and the levels below it at the depth that did pass for them: their checksums.
     */
    private void record(String dataset, List<LevelCheck> checks, VerifyDepth depth, VerifySummary.Drill drill)
            throws IOException {
        Instant now = Instant.now();
        List<VerifyRecords.Entry> entries = new ArrayList<>();
        for (LevelCheck check : checks) {
            if (check.status() == LevelCheck.Status.MISSING) {
                continue;
            }
            LevelVerified verified = new LevelVerified(check.cycle(), check.level(), now, depth, check.status(),
                    check.detail());
            if (drill != null && !drill.passed() && check.status() != LevelCheck.Status.CORRUPT) {
                verified = check.level() == drill.level() && check.cycle() == drill.cycle()
                        ? new LevelVerified(check.cycle(), check.level(), now, depth, LevelCheck.Status.CORRUPT,
                                "drill: " + String.join("; ", drill.problems()))
                        : new LevelVerified(check.cycle(), check.level(), now, VerifyDepth.CHECKSUMS,
                                check.status(), check.detail());
            }
            entries.add(VerifyRecords.Entry.of(verified, check.archive()));
        }
        records.record(dataset, entries);
    }

    private static LevelCheck check(long cycle, int level, Path archive, String listed, ProgressListener listener)
            throws IOException {
        try {
            return outcome(cycle, level, archive, listed, ArchiveCheck.readThrough(archive, listener));
        } catch (BackupException.CorruptArchive e) {
            return new LevelCheck(cycle, level, archive, LevelCheck.Status.CORRUPT, e.getMessage());
        }
    }

    /** What an archive read whole with SHA-256 {@code actual} is, given its line in SHA256SUMS ({@code listed}). */
    static LevelCheck outcome(long cycle, int level, Path archive, String listed, String actual) {
        if (listed == null) {
            return new LevelCheck(cycle, level, archive, LevelCheck.Status.UNLISTED,
                    "sha256 " + actual + ", not in " + Layout.SUMS);
        } else if (listed.equals(actual)) {
            return new LevelCheck(cycle, level, archive, LevelCheck.Status.OK, "sha256 " + actual);
        } else {
            return new LevelCheck(cycle, level, archive, LevelCheck.Status.CORRUPT,
                    "sha256 " + actual + " does not match " + Layout.SUMS + " (" + listed + ")");
        }
    }
}
