package org.aiod.backup.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Brings levels from the off-site store into the backup root: those the store has and the backup root lacks, and,
 * when asked, those whose local archive fails its {@code SHA256SUMS} line. Under the dataset's lock, each level is
 * downloaded into the dataset's temporary directory, checked against the store's {@code SHA256SUMS} of its cycle and
 * the object's recorded {@code sha256} and size, and only then renamed into its cycle, in the order a backup commits
 * (archive, {@code SHA256SUMS}, snapshot file); a cycle absent locally is assembled whole in the temporary directory
 * and renamed into place in one step. A download that fails its check is discarded and the fetch fails with
 * {@link BackupException.OffsiteCorrupt}: nothing of it is written into the backup root, and what was landed before
 * (whole, checked levels) stays.
 */
record OffsiteFetch(EngineOptions options, Layout layout) {

    FetchSummary fetch(String dataset, Long onlyCycle, boolean replaceCorrupt, OffsiteStore store,
            OffsiteLayout offsite) {
        Layout.requireValidName(dataset);
        Map<Long, Map<String, OffsiteStore.StoredObject>> remote;
        try {
            remote = offsite.byCycle(dataset, store.list(offsite.datasetPrefix(dataset)));
        } catch (IOException e) {
            throw new BackupException.OffsiteUnavailable("cannot list dataset '" + dataset + "' in the off-site store: "
                    + e.getMessage(), e);
        }
        try (DatasetLock lock = DatasetLock.acquire(layout.lockFile(dataset), dataset, options.lockTimeout())) {
            List<FetchSummary.Fetched> fetched = new ArrayList<>();
            for (Map.Entry<Long, Map<String, OffsiteStore.StoredObject>> cycle : remote.entrySet()) {
                if (onlyCycle == null || onlyCycle.longValue() == cycle.getKey()) {
                    fetched.addAll(fetchCycle(dataset, cycle.getKey(), cycle.getValue(), replaceCorrupt, store));
                }
            }
            return new FetchSummary(dataset, List.copyOf(fetched), lock.waited());
        } catch (IOException e) {
            throw FileOps.translate(e, "fetching dataset '" + dataset + "' from the off-site store");
        }
    }

    private List<FetchSummary.Fetched> fetchCycle(String dataset, long cycle,
            Map<String, OffsiteStore.StoredObject> objects, boolean replaceCorrupt, OffsiteStore store)
            throws IOException {
        Map<Integer, String> levels = OffsiteLayout.levels(dataset, objects);
        Path cycleDir = layout.cycleDir(dataset, cycle);
        boolean cycleExists = Files.isDirectory(cycleDir);
        Map<String, String> localSums = Checksums.read(layout.sums(dataset, cycle));
        Map<Integer, FetchSummary.Reason> needed = new TreeMap<>();
        int localHighest = -1;
        for (Map.Entry<Integer, String> level : levels.entrySet()) {
            Path local = cycleDir.resolve(level.getValue());
            if (!Files.isRegularFile(local)) {
                needed.put(level.getKey(), FetchSummary.Reason.MISSING);
                continue;
            }
            localHighest = Math.max(localHighest, level.getKey());
            if (replaceCorrupt && !sha256(local).equals(localSums.get(level.getValue()))) {
                needed.put(level.getKey(), FetchSummary.Reason.CORRUPT);
            }
        }
        if (needed.isEmpty()) {
            return List.of();
        }
        Path tmp = layout.tmpDir(dataset);
        Files.createDirectories(tmp);
        Path work = tmp.resolve("fetch-" + cycle + "-" + UUID.randomUUID());
        Files.createDirectory(work);
        try {
            OffsiteStore.StoredObject sumsObject = objects.get(Layout.SUMS);
            if (sumsObject == null) {
                throw new BackupException.OffsiteCorrupt("cycle " + cycle + " of dataset '" + dataset
                        + "' has no " + Layout.SUMS + " in the off-site store: its levels cannot be checked, so they"
                        + " are not used");
            }
            Path sums = download(store, sumsObject.key(), work.resolve(Layout.SUMS), null);
            Map<String, String> offsiteSums = Checksums.read(sums);
            List<FetchSummary.Fetched> fetched = new ArrayList<>();
            for (Map.Entry<Integer, FetchSummary.Reason> level : needed.entrySet()) {
                String name = levels.get(level.getKey());
                String listed = offsiteSums.get(name);
                if (listed == null) {
                    throw new BackupException.OffsiteCorrupt(objects.get(name).key() + " is not listed in the"
                            + " off-site " + sumsObject.key() + ": it cannot be checked, so it is not used");
                }
                Path archive = download(store, objects.get(name).key(), work.resolve(name), listed);
                fetched.add(new FetchSummary.Fetched(cycle, level.getKey(), Files.size(archive), level.getValue()));
            }
            int highestHere = localHighest;
            boolean newerLevel = needed.keySet().stream().anyMatch(l -> l > highestHere);
            String snapshotName = dataset + ".snar";
            OffsiteStore.StoredObject snapshotObject = objects.get(snapshotName);
            Path snapshot = null;
            if ((!cycleExists || newerLevel) && snapshotObject != null) {
                snapshot = download(store, snapshotObject.key(), work.resolve(snapshotName), null);
                int top = java.util.Collections.max(levels.keySet());
                Path highestArchive = (needed.containsKey(top) ? work : cycleDir).resolve(levels.get(top));
                if (!snapshotBelongsTo(snapshot, highestArchive)) {
                    // the store's snapshot file is of a level after the last one there (uploaded with a level whose
                    // own upload never happened): a backup from it would miss that level's changes. Without it
                    // the next backup starts a new cycle
                    Files.delete(snapshot);
                    snapshot = null;
                }
            }
            land(dataset, cycle, cycleDir, cycleExists, work, fetched, levels, localSums, offsiteSums, snapshot);
            return fetched;
        } finally {
            if (Files.exists(work)) {
                FileOps.deleteRecursively(work);
            }
        }
    }

    /** Renames the checked downloads into the backup root, in a backup's commit order. */
    private void land(String dataset, long cycle, Path cycleDir, boolean cycleExists, Path work,
            List<FetchSummary.Fetched> fetched, Map<Integer, String> levels, Map<String, String> localSums,
            Map<String, String> offsiteSums, Path snapshot) throws IOException {
        Map<String, String> sums = new TreeMap<>(cycleExists ? localSums : Map.of());
        for (FetchSummary.Fetched f : fetched) {
            String name = levels.get(f.level());
            sums.put(name, offsiteSums.get(name));
        }
        if (!cycleExists) {
            // the cycle assembled whole, then renamed into place in one step: it appears with every level or none
            Files.delete(work.resolve(Layout.SUMS));
            Checksums.write(work.resolve(Layout.SUMS), sums, LevelWriter.levelOrder(dataset), layout.tmpDir(dataset));
            FileOps.syncDirectory(work);
            Files.createDirectories(cycleDir.getParent());
            Files.move(work, cycleDir, StandardCopyOption.ATOMIC_MOVE);
            FileOps.syncDirectory(cycleDir.getParent());
            return;
        }
        for (FetchSummary.Fetched f : fetched) {
            String name = levels.get(f.level());
            FileOps.commit(work.resolve(name), cycleDir.resolve(name));
        }
        Checksums.write(layout.sums(dataset, cycle), sums, LevelWriter.levelOrder(dataset), layout.tmpDir(dataset));
        if (snapshot != null) {
            FileOps.commit(snapshot, layout.snapshot(dataset, cycle));
        }
    }

    /**
     * Downloads {@code key} into {@code file}, synced, and checks it against the object's recorded size and
     * {@code sha256} and, when given, {@code listed} (its line of the store's {@code SHA256SUMS}); gives it the
     * recorded modification time of the file it was put from. A mismatch throws, the download left for the caller
     * to discard.
     */
    private static Path download(OffsiteStore store, String key, Path file, String listed) throws IOException {
        OffsiteStore.StoredObject object;
        try {
            object = store.get(key, file);
        } catch (NoSuchFileException e) {
            throw new BackupException.OffsiteUnavailable(key + " vanished from the off-site store while it was"
                    + " fetched (a prune of the store?): " + e.getMessage(), e);
        } catch (IOException e) {
            throw new BackupException.OffsiteUnavailable("cannot download " + key + " from the off-site store: "
                    + e.getMessage(), e);
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        long size = Files.size(file);
        String actual = sha256(file);
        if (size != object.size()) {
            throw new BackupException.OffsiteCorrupt(key + " arrived with " + size + " bytes, the store says "
                    + object.size() + "; discarded");
        }
        if (object.sha256() != null && !object.sha256().equalsIgnoreCase(actual)) {
            throw new BackupException.OffsiteCorrupt(key + " has SHA-256 " + actual + ", not " + object.sha256()
                    + " as recorded when it was uploaded; discarded, nothing written");
        }
        if (listed != null && !listed.equalsIgnoreCase(actual)) {
            throw new BackupException.OffsiteCorrupt(key + " has SHA-256 " + actual + ", not " + listed
                    + " as listed in the off-site SHA256SUMS; discarded, nothing written");
        }
        if (object.modified() != null) {
            Files.setLastModifiedTime(file, FileTime.from(object.modified()));
        }
        return file;
    }

    /**
     * Whether {@code snapshot} was written by the level of {@code archive}: a level's snapshot holds the time its
     * backup started, before its archive was committed (the archive's modification time); the next level's started
     * after that.
     */
    private static boolean snapshotBelongsTo(Path snapshot, Path archive) throws IOException {
        try (InputStream in = Files.newInputStream(snapshot);
                SnapshotFile.Reader reader = new SnapshotFile.Reader(in, snapshot)) {
            return !reader.time().isAfter(Files.getLastModifiedTime(archive).toInstant());
        } catch (IOException | RuntimeException e) {
            throw new BackupException.OffsiteCorrupt(snapshot.getFileName() + " of the off-site store cannot be"
                    + " read as a snapshot file: " + e.getMessage());
        }
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest = Checksums.sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0;) {
                digest.update(buffer, 0, n);
            }
        }
        return Checksums.hex(digest.digest());
    }
}
