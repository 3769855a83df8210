package org.aiod.backup.engine;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A backup run: under the dataset's lock, decides which cycle and level come next ({@link CyclePlanner}), writes that
 * level to temporary files and commits it. The commit order is the crash-safety contract of docs/design.md: archive
 * and snapshot synced, archive renamed into place, SHA256SUMS rewritten, snapshot renamed into place last.
 */
record LevelWriter(EngineOptions options, Layout layout, FileContent fileContent) {

    /** Writes the next level of {@code dataset}: level 0 of a new cycle, or the next incremental level. */
    BackupSummary backup(String dataset, ProgressListener listener) {
        Layout.requireValidName(dataset);
        DatasetChecks.requireUtf8FileNames();
        long started = System.nanoTime();
        Path datasetDir = layout.datasetDir(dataset);
        DatasetChecks.requireDatasetDirectory(dataset, datasetDir);
        prepareBackupDirectories(dataset);
        try (DatasetLock lock = DatasetLock.acquire(layout.lockFile(dataset), dataset, options.lockTimeout())) {
            listener.phase(Phase.LOCKED);
            DatasetChecks.requireDatasetDirectory(dataset, datasetDir);
            Path tmp = sweep(dataset);
            Staging.Recovered recovered = Staging.of(layout, dataset).recover();
            List<String> recoveryNotes = new ArrayList<>(recovered.notes());
            recoveryNotes.addAll(Pruner.recover(layout, dataset));
            return writeLevel(dataset, datasetDir, tmp, listener, started, lock.waited(), recoveryNotes);
        } catch (IOException e) {
            throw FileOps.translate(e, "backing up dataset '" + dataset + "'");
        }
    }

    private BackupSummary writeLevel(String dataset, Path datasetDir, Path tmp, ProgressListener listener,
            long started, Duration lockWait, List<String> recoveryNotes) throws IOException {
        List<String> warnings = new ArrayList<>(recoveryNotes);
        CyclePlanner.Next next = nextLevel(dataset, warnings);
        long cycle = next.cycle();
        int level = next.level();
        Path cycleDir = layout.cycleDir(dataset, cycle);
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
                OutputStream compressed = Compressors.compressing(hashed, options.compression(),
                        options.compressionLevel(), options.compressionThreads());
                TarOutput tar = new TarOutput(compressed);
                try (SnapshotFile.Writer snapshot = new SnapshotFile.Writer(Files.newOutputStream(tmpSnapshot,
                        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), start)) {
                    archiver.writeDirectories(tar, snapshot);
                }
                // pass 1 walked the whole tree: the archive's bound is known before any file's content is written,
                // and nothing of this level is in the cycle yet, only in the state directory's tmp/
                requireSpace(dataset, archiver.archiveBound(), channel.size());
                listener.totals(archiver.filesToWrite(), archiver.bytesToWrite(), true);
                Files.createDirectories(cycleDir);
                if (level == 0) {
                    discardIncompleteCycle(dataset, cycle, warnings);
                }
                listener.phase(Phase.DIRECTORIES_WRITTEN);
                try (SnapshotFile.Reader snapshot = new SnapshotFile.Reader(
                        Files.newInputStream(tmpSnapshot), tmpSnapshot)) {
                    archiver.writeFiles(tar, snapshot);
                }
                listener.phase(Phase.FILES_WRITTEN);
                tar.finish();
                Compressors.finish(compressed);
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
     * The disk guard: refuses the level when its archive could need more than the backup root's file system has
     * usable. {@code tarBound} is the uncompressed tar stream's bound; compression may grow incompressible data a
     * little (zstd's worst case is under 1/256 of the input plus frame headers, deflate's far less), hence the
     * allowance. {@code written} is what of the archive is already in its temporary file (on the same file system),
     * which the file system counts as used.
     */
    private void requireSpace(String dataset, long tarBound, long written) throws IOException {
        long needed = tarBound + tarBound / COMPRESSION_GROWTH_DIVISOR + COMPRESSION_FRAMING_BYTES;
        Path root = options.backupRoot();
        long usable = Files.getFileStore(layout.backupDir(dataset)).getUsableSpace();
        long free = usable + written;
        if (needed > free) {
            throw new BackupException.InsufficientSpace("not enough space to back up dataset '" + dataset
                    + "': the level needs up to " + needed + " bytes, the backup root " + root + " has " + free
                    + " bytes free; nothing was written to its cycles", needed, free);
        }
    }

    /** Compression grows incompressible input by less than 1/128 of it (zstd: 1/256, deflate: about 1/3000). */
    private static final int COMPRESSION_GROWTH_DIVISOR = 128;
    /** Frame and block headers of the compressed stream, and the SHA256SUMS rewritten at commit. */
    private static final long COMPRESSION_FRAMING_BYTES = 64 * 1024;

    /** Gathers what {@link CyclePlanner} needs about the last cycle on disk and asks it which level is next. */
    private CyclePlanner.Next nextLevel(String dataset, List<String> warnings) throws IOException {
        List<Long> labels = layout.cycleLabels(dataset);
        CyclePlanner.LastCycle last = null;
        if (!labels.isEmpty()) {
            long label = labels.get(labels.size() - 1);
            TreeMap<Integer, Path> archives = layout.archives(dataset, label);
            Path snapshot = layout.snapshot(dataset, label);
            last = new CyclePlanner.LastCycle(label, archives, snapshot.getFileName().toString(),
                    Files.isRegularFile(snapshot),
                    () -> listMissingChecksums(dataset, label, archives.values(), warnings));
        }
        CyclePlanner.Next next = CyclePlanner.next(last, options.cycleLength());
        if (next.warning() != null) {
            warnings.add(next.warning());
        }
        return next;
    }

    /**
     * Reads through the archives of a cycle that SHA256SUMS does not list and adds them to it; false, with a
     * warning, when one cannot be read through, so that the cycle is not continued.
     */
    private boolean listMissingChecksums(String dataset, long cycle, Collection<Path> levels, List<String> warnings)
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

    static Comparator<String> levelOrder(String dataset) {
        Pattern pattern = Layout.archivePattern(dataset);
        return Comparator.comparingLong((String name) -> {
            Matcher m = pattern.matcher(name);
            return m.matches() ? Long.parseLong(m.group(1)) : Long.MAX_VALUE;
        }).thenComparing(Comparator.naturalOrder());
    }
}
