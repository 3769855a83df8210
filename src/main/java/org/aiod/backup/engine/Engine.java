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
        this.layout = new Layout(options.dataRoot(), options.backupRoot());
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
        if (!Files.isDirectory(datasetDir)) {
            throw new BackupException.DatasetNotFound("dataset '" + dataset + "': directory " + datasetDir
                    + " does not exist");
        }
        prepareBackupDirectories(dataset);
        try (DatasetLock lock = DatasetLock.acquire(layout.lockFile(dataset), dataset, options.lockTimeout())) {
            listener.phase(Phase.LOCKED);
            Path tmp = sweep(dataset);
            Staging.recover(datasetDir);
            return writeLevel(dataset, datasetDir, tmp, listener, started, lock.waited());
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
            List<Path> levels = cycle < 0 ? List.of() : layout.levels(dataset, cycle);
            if (levels.isEmpty()) {
                throw new BackupException.CycleNotFound("dataset '" + dataset + "' has no cycle " + cycle
                        + " with a complete level 0 (cycles: " + layout.cycleLabels(dataset) + ")");
            }
            int last = levels.size() - 1;
            int target = level == null ? last : level;
            if (target < 0 || target > last) {
                throw new BackupException.LevelNotFound("cycle " + cycle + " of dataset '" + dataset
                        + "' has levels 0.." + last + "; there is no level " + level);
            }
            if (!Files.isDirectory(options.dataRoot())) {
                throw new BackupException.NotWritable("data root " + options.dataRoot() + " does not exist", null);
            }
            Files.createDirectories(datasetDir);
            Staging.recover(datasetDir);
            return restoreLevels(dataset, cycle, levels.subList(0, target + 1), datasetDir, listener, started,
                    lock.waited());
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
                List<LevelInfo> levels = new ArrayList<>();
                List<Path> archives = layout.levels(dataset, label);
                for (int i = 0; i < archives.size(); i++) {
                    Path archive = archives.get(i);
                    levels.add(new LevelInfo(i, archive, Files.size(archive),
                            Files.getLastModifiedTime(archive).toInstant(),
                            sums.get(archive.getFileName().toString())));
                }
                cycles.add(new CycleInfo(label, layout.cycleDir(dataset, label), List.copyOf(levels)));
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
        try (DatasetLock lock = DatasetLock.acquire(layout.lockFile(dataset), dataset, options.lockTimeout())) {
            List<Long> labels = cycle == null ? layout.cycleLabels(dataset) : List.of(cycle);
            List<LevelCheck> checks = new ArrayList<>();
            for (long label : labels) {
                List<Path> levels = layout.levels(dataset, label);
                if (levels.isEmpty() && cycle != null) {
                    throw new BackupException.CycleNotFound("dataset '" + dataset + "' has no cycle " + cycle
                            + " with a complete level 0 (cycles: " + layout.cycleLabels(dataset) + ")");
                }
                Map<String, String> sums = Checksums.read(layout.sums(dataset, label));
                for (int i = 0; i < levels.size(); i++) {
                    Path archive = levels.get(i);
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
            long started, Duration lockWait) throws IOException {
        List<String> warnings = new ArrayList<>();
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
     * one is unreadable the chain cannot be continued and a new cycle is opened.
     */
    private long[] nextLevel(String dataset, List<String> warnings) throws IOException {
        List<Long> labels = layout.cycleLabels(dataset);
        if (labels.isEmpty()) {
            return new long[] {0, 0};
        }
        long last = labels.get(labels.size() - 1);
        List<Path> levels = layout.levels(dataset, last);
        if (levels.isEmpty()) {
            return new long[] {last, 0};
        }
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
            ProgressListener listener, long started, Duration lockWait) throws IOException {
        Map<String, String> sums = Checksums.read(layout.sums(dataset, cycle));
        Path staging = Staging.create(datasetDir);
        boolean asRoot = ((Integer) Files.getAttribute(staging, "unix:uid", LinkOption.NOFOLLOW_LINKS)) == 0;
        Restorer restorer = new Restorer(dataset, staging, asRoot, listener);
        Restorer.DirectoryAttributes root;
        try {
            for (Path archive : archives) {
                restorer.apply(archive, sums.get(archive.getFileName().toString()));
            }
            root = restorer.finishDirectories();
            listener.phase(Phase.STAGED);
        } catch (IOException | RuntimeException e) {
            try {
                FileOps.deleteRecursively(staging);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        Staging.swap(datasetDir, staging, listener);
        if (root != null) {
            restorer.setDirectoryAttributes(datasetDir, root);
        }
        return new RestoreSummary(dataset, cycle, archives.size() - 1, restorer.files(), restorer.bytes(),
                restorer.deleted(), List.copyOf(restorer.warnings()), Duration.ofNanos(System.nanoTime() - started),
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
