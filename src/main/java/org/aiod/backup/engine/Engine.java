package org.aiod.backup.engine;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * The engine's entry point: back up a dataset, restore a cycle up to a level, and describe what is on disk.
 * Thread-safe; runs on the same dataset are serialised by a lock that also holds across processes.
 */
public final class Engine {

    private final EngineOptions options;
    private final Layout layout;
    private final FileContent fileContent;

    public Engine(EngineOptions options) {
        this(options, FileContent.DIRECT);
    }

    Engine(EngineOptions options, FileContent fileContent) {
        this.options = options;
        this.layout = new Layout(options.dataRoot(), options.backupRoot(), options.stateDir());
        this.fileContent = fileContent;
    }

    public EngineOptions options() {
        return options;
    }

    /** Writes the next level of {@code dataset}: level 0 of a new cycle, or the next incremental level. */
    public BackupSummary backup(String dataset) {
        return backup(dataset, ProgressListener.NONE);
    }

    public BackupSummary backup(String dataset, ProgressListener listener) {
        Layout.requireValidName(dataset);
        requireUtf8FileNames();
        long started = System.nanoTime();
        Path datasetDir = layout.datasetDir(dataset);
        requireDatasetDirectory(dataset, datasetDir);
        prepareBackupDirectories(dataset);
        try (DatasetLock lock = DatasetLock.acquire(layout.lockFile(dataset), dataset, options.lockTimeout())) {
            listener.phase(Phase.LOCKED);
            requireDatasetDirectory(dataset, datasetDir);
            Path tmp = sweep(dataset);
            Staging.Recovered recovered = staging(dataset).recover();
            return writeLevel(dataset, datasetDir, tmp, listener, started, lock.waited(), recovered.notes());
        } catch (IOException e) {
            throw FileOps.translate(e, "backing up dataset '" + dataset + "'");
        }
    }

    /**
     * Makes {@code <data-root>/<dataset>} exactly the tree of {@code cycle} at {@code level}; {@code null} level
     * means the cycle's last.
     */
    public RestoreSummary restore(String dataset, long cycle, Integer level) {
        return restore(dataset, cycle, level, ProgressListener.NONE);
    }

    public RestoreSummary restore(String dataset, long cycle, Integer level, ProgressListener listener) {
        Layout.requireValidName(dataset);
        requireUtf8FileNames();
        long started = System.nanoTime();
        Path datasetDir = layout.datasetDir(dataset);
        if (!Files.isDirectory(layout.backupDir(dataset))) {
            throw new BackupException.DatasetNotFound("dataset '" + dataset + "' has no backups in "
                    + options.backupRoot());
        }
        try (DatasetLock lock = DatasetLock.acquire(layout.lockFile(dataset), dataset, options.lockTimeout())) {
            listener.phase(Phase.LOCKED);
            boolean datasetDirExists = isDatasetDirectory(dataset, datasetDir);
            List<Path> levels = cycle < 0 ? List.of() : layout.levels(dataset, cycle);
            if (levels.isEmpty()) {
                throw new BackupException.CycleNotFound("dataset '" + dataset + "' has no cycle " + cycle
                        + " with a complete level 0 (cycles: " + layout.cycleLabels(dataset) + ")");
            }
            java.util.TreeMap<Integer, Path> archives = layout.archives(dataset, cycle);
            int highest = archives.lastKey();
            int target = level == null ? highest : level;
            if (target < 0 || target > highest) {
                throw new BackupException.LevelNotFound("cycle " + cycle + " of dataset '" + dataset
                        + "' has levels 0.." + highest + "; there is no level " + level);
            }
            if (target >= levels.size()) {
                List<Integer> missing = Layout.missingLevels(archives).stream().filter(l -> l < target).toList();
                throw new BackupException.ChainBroken("cycle " + cycle + " of dataset '" + dataset + "' is missing "
                        + "the archive of level " + (missing.size() == 1 ? missing.get(0) : "s " + missing)
                        + ", so level " + target + (level == null ? " (its last)" : "") + " cannot be restored;"
                        + " levels 0.." + (levels.size() - 1) + " can");
            }
            if (!Files.isDirectory(options.dataRoot())) {
                throw new BackupException.NotWritable("data root " + options.dataRoot() + " does not exist", null);
            }
            if (!datasetDirExists) {
                Files.createDirectory(datasetDir);
            }
            Staging staging = staging(dataset);
            Staging.Recovered recovered = staging.recover();
            return restoreLevels(dataset, cycle, levels.subList(0, target + 1), datasetDir, staging, listener,
                    started, lock.waited(), recovered.notes());
        } catch (IOException e) {
            throw FileOps.translate(e, "restoring dataset '" + dataset + "' cycle " + cycle);
        }
    }

    /** The cycles of {@code dataset}, ascending by label; empty when it has no backups. */
    public List<CycleInfo> cycles(String dataset) {
        Layout.requireValidName(dataset);
        try {
            List<CycleInfo> cycles = new ArrayList<>();
            for (long label : layout.cycleLabels(dataset)) {
                Map<String, String> sums = Checksums.read(layout.sums(dataset, label));
                java.util.TreeMap<Integer, Path> archives = layout.archives(dataset, label);
                List<Integer> missing = Layout.missingLevels(archives);
                int firstMissing = missing.isEmpty() ? Integer.MAX_VALUE : missing.get(0);
                List<LevelInfo> levels = new ArrayList<>();
                List<LevelInfo> afterGap = new ArrayList<>();
                for (Map.Entry<Integer, Path> entry : archives.entrySet()) {
                    Path archive = entry.getValue();
                    LevelInfo info = new LevelInfo(entry.getKey(), archive, Files.size(archive),
                            Files.getLastModifiedTime(archive).toInstant(),
                            sums.get(archive.getFileName().toString()));
                    (entry.getKey() < firstMissing ? levels : afterGap).add(info);
                }
                cycles.add(new CycleInfo(label, layout.cycleDir(dataset, label), List.copyOf(levels),
                        List.copyOf(missing), List.copyOf(afterGap)));
            }
            return cycles;
        } catch (IOException e) {
            throw FileOps.translate(e, "listing the cycles of dataset '" + dataset + "'");
        }
    }

    /**
     * Reads every archive of {@code dataset} (of one cycle, or of all when {@code cycle} is null) to its end and
     * compares it with SHA256SUMS; changes nothing. Takes the dataset's lock, so it sees no level half-committed.
     */
    public List<LevelCheck> verify(String dataset, Long cycle) {
        Layout.requireValidName(dataset);
        if (!Files.isDirectory(layout.backupDir(dataset))) {
            throw new BackupException.DatasetNotFound("dataset '" + dataset + "' has no backups in "
                    + options.backupRoot());
        }
        isDatasetDirectory(dataset, layout.datasetDir(dataset));
        try (DatasetLock lock = DatasetLock.acquire(layout.lockFile(dataset), dataset, options.lockTimeout())) {
            List<Long> labels = cycle == null ? layout.cycleLabels(dataset) : List.of(cycle);
            List<LevelCheck> checks = new ArrayList<>();
            for (long label : labels) {
                java.util.TreeMap<Integer, Path> archives = layout.archives(dataset, label);
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
                    String listed = sums.get(archive.getFileName().toString());
                    try {
                        String actual = ArchiveCheck.readThrough(archive);
                        if (listed == null) {
                            checks.add(new LevelCheck(label, i, archive, LevelCheck.Status.UNLISTED,
                                    "sha256 " + actual + ", not in " + Layout.SUMS));
                        } else if (listed.equals(actual)) {
                            checks.add(new LevelCheck(label, i, archive, LevelCheck.Status.OK, "sha256 " + actual));
                        } else {
                            checks.add(new LevelCheck(label, i, archive, LevelCheck.Status.CORRUPT,
                                    "sha256 " + actual + " does not match " + Layout.SUMS + " (" + listed + ")"));
                        }
                    } catch (BackupException.CorruptArchive e) {
                        checks.add(new LevelCheck(label, i, archive, LevelCheck.Status.CORRUPT, e.getMessage()));
                    }
                }
            }
            return checks;
        } catch (IOException e) {
            throw FileOps.translate(e, "verifying dataset '" + dataset + "'");
        }
    }

    /**
     * Removes or completes what killed runs left behind, for every dataset that has any: the temporary files of
     * backups, and the staging and swap directories of restores (as written down in the engine's state, see
     * Staging). Meant for the service's start-up, so that leftovers do not wait for the dataset's next job. Each
     * dataset is handled under its lock; one whose lock is held by another run is skipped (that run handles them).
     * A failure on one dataset is reported in its entry and does not stop the others. Datasets with nothing left
     * over are not listed.
     */
    public List<LeftoverRecovery> recoverLeftovers() {
        TreeSet<String> candidates = new TreeSet<>();
        try {
            candidates.addAll(namesIn(layout.tmpDirs()));
            candidates.addAll(namesIn(layout.stagingRecords()));
        } catch (IOException e) {
            throw FileOps.translate(e, "looking for leftovers of killed runs in " + layout.stateDir());
        }
        List<LeftoverRecovery> report = new ArrayList<>();
        for (String dataset : candidates) {
            if (!hasLeftovers(dataset)) {
                continue;
            }
            DatasetLock lock;
            try {
                lock = DatasetLock.acquire(layout.lockFile(dataset), dataset, Duration.ZERO);
            } catch (BackupException.LockTimeout e) {
                report.add(new LeftoverRecovery(dataset, LeftoverRecovery.Outcome.SKIPPED_LOCKED, 0, 0, 0,
                        List.of("another run holds the lock of dataset '" + dataset + "'; left to it")));
                continue;
            } catch (BackupException e) {
                report.add(new LeftoverRecovery(dataset, LeftoverRecovery.Outcome.FAILED, 0, 0, 0,
                        List.of(e.getMessage())));
                continue;
            }
            try (lock) {
                long tempFiles = 0;
                Path tmp = layout.tmpDir(dataset);
                if (Files.isDirectory(tmp, LinkOption.NOFOLLOW_LINKS)) {
                    try (var entries = Files.newDirectoryStream(tmp)) {
                        for (Path entry : entries) {
                            FileOps.deleteRecursively(entry);
                            tempFiles++;
                        }
                    }
                }
                Staging.Recovered recovered = Staging.Recovered.NONE;
                if (Staging.hasRecord(layout.stagingRecord(dataset))) {
                    isDatasetDirectory(dataset, layout.datasetDir(dataset));
                    recovered = staging(dataset).recover();
                }
                report.add(new LeftoverRecovery(dataset, LeftoverRecovery.Outcome.RECOVERED, tempFiles,
                        recovered.swapsCompleted(), recovered.stagingRemoved(), recovered.notes()));
            } catch (IOException e) {
                report.add(new LeftoverRecovery(dataset, LeftoverRecovery.Outcome.FAILED, 0, 0, 0,
                        List.of(FileOps.translate(e, "recovering leftovers of dataset '" + dataset + "'")
                                .getMessage())));
            } catch (BackupException e) {
                report.add(new LeftoverRecovery(dataset, LeftoverRecovery.Outcome.FAILED, 0, 0, 0,
                        List.of(e.getMessage())));
            }
        }
        return report;
    }

    private boolean hasLeftovers(String dataset) {
        if (Staging.hasRecord(layout.stagingRecord(dataset))) {
            return true;
        }
        try (var entries = Files.newDirectoryStream(layout.tmpDir(dataset))) {
            return entries.iterator().hasNext();
        } catch (IOException e) {
            return false;
        }
    }

    /** Names in a state directory that are dataset names; none when it does not exist. */
    private static List<String> namesIn(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        try (var entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (Layout.DATASET_NAME.matcher(name).matches()) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    /** Every dataset: each top-level directory of the data root and each dataset that has backups, sorted. */
    public List<String> datasets() {
        try {
            TreeSet<String> names = new TreeSet<>(layout.datasetsInDataRoot());
            names.addAll(layout.datasetsWithBackups());
            return List.copyOf(names);
        } catch (IOException e) {
            throw FileOps.translate(e, "listing datasets");
        }
    }

    private BackupSummary writeLevel(String dataset, Path datasetDir, Path tmp, ProgressListener listener,
            long started, Duration lockWait, List<String> recoveryNotes) throws IOException {
        List<String> warnings = new ArrayList<>(recoveryNotes);
        long[] next = nextLevel(dataset, warnings);
        long cycle = next[0];
        int level = (int) next[1];
        Path cycleDir = layout.cycleDir(dataset, cycle);
        Files.createDirectories(cycleDir);
        if (level == 0) {
            discardIncompleteCycle(dataset, cycle, warnings);
        }
        SnapshotFile.Snapshot previous = level == 0 ? null : SnapshotFile.read(layout.snapshot(dataset, cycle));
        Instant start = Instant.now().minus(options.startTimeMargin());

        Path tmpArchive = tmp.resolve(Layout.archiveName(dataset, level, options.compression()) + ".tmp");
        Path tmpSnapshot = tmp.resolve(dataset + ".snar.tmp");
        Archiver archiver = new Archiver(dataset, datasetDir, previous, fileContent, listener);
        MessageDigest digest = Checksums.sha256();
        long archiveBytes;
        try {
            try (FileChannel channel = FileChannel.open(tmpArchive, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                OutputStream hashed = new DigestOutputStream(
                        new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16), digest);
                OutputStream compressed = compressor(hashed);
                TarOutput tar = new TarOutput(compressed);
                try (SnapshotFile.Writer snapshot = new SnapshotFile.Writer(Files.newOutputStream(tmpSnapshot,
                        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), start)) {
                    archiver.writeDirectories(tar, snapshot);
                }
                listener.phase(Phase.DIRECTORIES_WRITTEN);
                try (SnapshotFile.Reader snapshot = new SnapshotFile.Reader(
                        Files.newInputStream(tmpSnapshot), tmpSnapshot)) {
                    archiver.writeFiles(tar, snapshot);
                }
                listener.phase(Phase.FILES_WRITTEN);
                tar.finish();
                if (compressed instanceof ParallelGzipOutputStream parallel) {
                    parallel.finish();
                } else if (compressed instanceof GZIPOutputStream single) {
                    single.finish();
                } else {
                    compressed.close(); // zstd: closing writes the frame's end; the channel stays open until synced
                }
                hashed.flush();
                channel.force(true);
                archiveBytes = channel.size();
            }
            try (FileChannel channel = FileChannel.open(tmpSnapshot, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            listener.phase(Phase.ARCHIVE_SYNCED);

            Path archive = layout.archive(dataset, cycle, level, options.compression());
            FileOps.commit(tmpArchive, archive);
            listener.phase(Phase.ARCHIVE_COMMITTED);
            Path sumsFile = layout.sums(dataset, cycle);
            Map<String, String> sums = Checksums.read(sumsFile);
            sums.put(archive.getFileName().toString(), Checksums.hex(digest.digest()));
            Checksums.write(sumsFile, sums, levelOrder(dataset), tmp);
            listener.phase(Phase.CHECKSUMS_WRITTEN);
            FileOps.commit(tmpSnapshot, layout.snapshot(dataset, cycle));
            listener.phase(Phase.SNAPSHOT_COMMITTED);

            warnings.addAll(archiver.warnings());
            return new BackupSummary(dataset, cycle, level, archive, archiver.files(), archiver.bytes(),
                    archiveBytes, archiver.directories(), archiver.deleted(), List.copyOf(warnings),
                    Duration.ofNanos(System.nanoTime() - started), lockWait, List.copyOf(archiver.notTaken()),
                    archiver.notTakenCount());
        } finally {
            Files.deleteIfExists(tmpArchive);
            Files.deleteIfExists(tmpSnapshot);
        }
    }

    /**
     * The cycle rule of the legacy scripts: continue the last cycle while it has fewer than {@code cycleLength}
     * levels, else open the next; a cycle without a complete level 0 is redone from level 0. Archives missing from
     * SHA256SUMS (a run killed after its commit point, or levels written by GNU tar) are read through and listed; if
     * one is unreadable the chain cannot be continued and a new cycle is opened. A cycle with a gap (a level's
     * archive missing below an existing one) is never continued either: the next level would take the missing
     * number, and the levels after it would join a chain they do not belong to.
     */
    private long[] nextLevel(String dataset, List<String> warnings) throws IOException {
        List<Long> labels = layout.cycleLabels(dataset);
        if (labels.isEmpty()) {
            return new long[] {0, 0};
        }
        long last = labels.get(labels.size() - 1);
        java.util.TreeMap<Integer, Path> archives = layout.archives(dataset, last);
        if (archives.isEmpty()) {
            return new long[] {last, 0};
        }
        List<Integer> missing = Layout.missingLevels(archives);
        if (!missing.isEmpty()) {
            warnings.add("cycle " + last + " is missing the archive of level" + (missing.size() == 1 ? " " : "s ")
                    + (missing.size() == 1 ? missing.get(0) : missing) + " (level " + archives.lastKey()
                    + " exists): its chain is broken and cannot be continued; opening cycle " + (last + 1)
                    + " at level 0");
            return new long[] {last + 1, 0};
        }
        List<Path> levels = layout.levels(dataset, last);
        if (!listMissingChecksums(dataset, last, levels, warnings)) {
            return new long[] {last + 1, 0};
        }
        if (levels.size() >= options.cycleLength()) {
            return new long[] {last + 1, 0};
        }
        if (!Files.isRegularFile(layout.snapshot(dataset, last))) {
            warnings.add("cycle " + last + " has no snapshot file " + layout.snapshot(dataset, last).getFileName()
                    + "; opening a new cycle");
            return new long[] {last + 1, 0};
        }
        return new long[] {last, levels.size()};
    }

    private boolean listMissingChecksums(String dataset, long cycle, List<Path> levels, List<String> warnings)
            throws IOException {
        Path sumsFile = layout.sums(dataset, cycle);
        Map<String, String> sums = Checksums.read(sumsFile);
        boolean changed = false;
        for (Path archive : levels) {
            String name = archive.getFileName().toString();
            if (sums.containsKey(name)) {
                continue;
            }
            try {
                sums.put(name, ArchiveCheck.readThrough(archive));
                changed = true;
            } catch (BackupException.CorruptArchive e) {
                warnings.add(e.getMessage() + "; cycle " + cycle + " cannot be continued, opening a new cycle");
                return false;
            }
        }
        if (changed) {
            Checksums.write(sumsFile, sums, levelOrder(dataset), layout.tmpDir(dataset));
        }
        return true;
    }

    /** Redoing level 0 in an existing cycle directory: levels and checksums left there belong to no chain. */
    private void discardIncompleteCycle(String dataset, long cycle, List<String> warnings) throws IOException {
        Pattern archive = Layout.archivePattern(dataset);
        try (var entries = Files.newDirectoryStream(layout.cycleDir(dataset, cycle))) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (archive.matcher(name).matches() || name.equals(Layout.SUMS)
                        || entry.equals(layout.snapshot(dataset, cycle))) {
                    Files.delete(entry);
                    warnings.add("cycle " + cycle + " had no complete level 0; removed " + name);
                }
            }
        }
    }

    private RestoreSummary restoreLevels(String dataset, long cycle, List<Path> archives, Path datasetDir,
            Staging stagings, ProgressListener listener, long started, Duration lockWait, List<String> recoveryNotes)
            throws IOException {
        Map<String, String> sums = Checksums.read(layout.sums(dataset, cycle));
        Path staging = stagings.create();
        boolean asRoot = ((Integer) Files.getAttribute(staging, "unix:uid", LinkOption.NOFOLLOW_LINKS)) == 0;
        Restorer restorer = new Restorer(dataset, staging, asRoot, listener);
        Restorer.DirectoryAttributes root;
        try {
            for (Path archive : archives) {
                restorer.apply(archive, sums.get(archive.getFileName().toString()));
            }
            root = restorer.finishDirectories();
            listener.phase(Phase.STAGED);
        } catch (IOException | RuntimeException | Error e) {
            // an Error too (OutOfMemoryError, StackOverflowError): the staging directory must not outlive the run
            try {
                stagings.discard(staging);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        stagings.swap(staging, listener);
        if (root != null) {
            restorer.setDirectoryAttributes(datasetDir, root);
        }
        List<String> warnings = new ArrayList<>(recoveryNotes);
        warnings.addAll(restorer.warnings());
        return new RestoreSummary(dataset, cycle, archives.size() - 1, restorer.files(), restorer.bytes(),
                restorer.deleted(), List.copyOf(warnings), Duration.ofNanos(System.nanoTime() - started),
                lockWait);
    }

    private void prepareBackupDirectories(String dataset) {
        try {
            Files.createDirectories(layout.backupDir(dataset));
            Files.createDirectories(layout.tmpDir(dataset));
            Files.createDirectories(layout.lockFile(dataset).getParent());
        } catch (IOException e) {
            throw new BackupException.NotWritable("backup root " + options.backupRoot() + " is not writable: " + e,
                    e);
        }
        if (!Files.isWritable(layout.backupDir(dataset))) {
            throw new BackupException.NotWritable("backup directory " + layout.backupDir(dataset)
                    + " is not writable", null);
        }
    }

    private Staging staging(String dataset) {
        return new Staging(layout.datasetDir(dataset), layout.stagingRecord(dataset), layout.tmpDir(dataset));
    }

    /** Refuses a dataset path that is not a real directory; a missing one is {@code DATASET_NOT_FOUND}. */
    private static void requireDatasetDirectory(String dataset, Path datasetDir) {
        if (!isDatasetDirectory(dataset, datasetDir)) {
            throw new BackupException.DatasetNotFound("dataset '" + dataset + "': directory " + datasetDir
                    + " does not exist");
        }
    }

    /**
     * Whether the dataset directory exists, without following a symlink; a path that exists but is not a real
     * directory is refused, so that nothing outside the data root is ever read, written or deleted through it.
     */
    private static boolean isDatasetDirectory(String dataset, Path datasetDir) {
        FileStat stat;
        try {
            stat = FileStat.of(datasetDir);
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw FileOps.translate(e, "reading dataset directory " + datasetDir);
        }
        if (stat.isDirectory()) {
            return true;
        }
        String what;
        if (stat.isSymlink()) {
            String target;
            try {
                target = " to " + Files.readSymbolicLink(datasetDir);
            } catch (IOException e) {
                target = "";
            }
            what = "a symbolic link" + target;
        } else if (stat.isRegular()) {
            what = "a regular file";
        } else {
            what = "a special file";
        }
        throw new BackupException.NotADirectory("dataset '" + dataset + "': " + datasetDir + " is " + what
                + ", not a directory; refusing to follow or replace it");
    }

    /** Removes what killed runs left in the dataset's temporary directory; only safe under the lock. */
    private Path sweep(String dataset) throws IOException {
        Path tmp = layout.tmpDir(dataset);
        FileOps.deleteRecursively(tmp);
        return Files.createDirectories(tmp);
    }

    private static Comparator<String> levelOrder(String dataset) {
        Pattern pattern = Layout.archivePattern(dataset);
        return Comparator.comparingLong((String name) -> {
            Matcher m = pattern.matcher(name);
            return m.matches() ? Long.parseLong(m.group(1)) : Long.MAX_VALUE;
        }).thenComparing(Comparator.naturalOrder());
    }

    private static void requireUtf8FileNames() {
        String encoding = System.getProperty("sun.jnu.encoding", "");
        if (!encoding.equalsIgnoreCase("UTF-8") && !encoding.equalsIgnoreCase("UTF8")) {
            throw new BackupException.UnsupportedEnvironment("file names are decoded as " + encoding
                    + ", not UTF-8: non-ASCII names would be corrupted; run with a UTF-8 locale (LANG=C.UTF-8)");
        }
    }

    private OutputStream compressor(OutputStream out) throws IOException {
        int threads = options.compressionThreads();
        if (options.compression() == Compression.ZSTD) {
            com.github.luben.zstd.ZstdOutputStream zstd = new com.github.luben.zstd.ZstdOutputStream(
                    new java.io.FilterOutputStream(out) {
                        @Override
                        public void write(byte[] b, int off, int len) throws IOException {
                            out.write(b, off, len);
                        }

                        @Override
                        public void close() throws IOException {
                            flush(); // the archive channel is synced and closed by its owner
                        }
                    }, options.compressionLevel());
            zstd.setChecksum(true); // a frame checksum, as the zstd program writes by default
            if (threads > 1) {
                zstd.setWorkers(threads);
            }
            return new java.io.BufferedOutputStream(zstd, 1 << 16);
        }
        if (threads == 1) {
            return new LeveledGzipOutputStream(out, options.compressionLevel());
        }
        return new ParallelGzipOutputStream(out, COMPRESSORS, threads, options.compressionLevel());
    }

    /** Shared by every engine in the process: compression threads are a machine-wide resource. */
    private static final java.util.concurrent.ExecutorService COMPRESSORS = java.util.concurrent.Executors
            .newFixedThreadPool(Runtime.getRuntime().availableProcessors(), runnable -> {
                Thread thread = new Thread(runnable, "aiod-gzip");
                thread.setDaemon(true);
                return thread;
            });

    /** JDK gzip with a chosen deflate level; the output is one standard gzip member. */
    private static final class LeveledGzipOutputStream extends GZIPOutputStream {
        LeveledGzipOutputStream(OutputStream out, int level) throws IOException {
            super(out, 1 << 16);
            def.setLevel(level);
        }
    }
}
