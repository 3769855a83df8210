package org.aiod.backup.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A prune run: under the dataset's lock, decides which cycles go ({@link Retention}) and removes each one whole. A
 * cycle directory holds everything its chain needs (archives, snapshot file, SHA256SUMS; see Layout), so removing
 * it takes nothing a kept cycle needs. Each removal is crash-safe, the way {@link Staging} makes a restore's swap
 * safe: the cycle directory and its device and inode are written down (synced) in the engine's state, then it is
 * renamed, atomically, out of the dataset's backup directory into the prune workspace {@code pruning/<dataset>/}
 * on the same file system (the parent synced), then deleted there, never following a symlink; the record is removed
 * last. A prune killed at any step leaves the cycle whole in place or gone from the backup directory, and
 * {@link #recover} (run by the next prune or backup of the dataset and by {@link Leftovers}) deletes what the record
 * names in the workspace, only if it is still the directory that was moved there.
 *
 * <pre>
 * prune/&lt;dataset&gt;                         record: "cycle &lt;label&gt; &lt;id&gt; &lt;device&gt; &lt;inode&gt;"
 * pruning/&lt;dataset&gt;/cycle-&lt;label&gt;-&lt;id&gt;   the cycle directory, moved out, being deleted
 * </pre>
 */
record Pruner(EngineOptions options, Layout layout, Inventory inventory, VerifyRecords verifyRecords) {

    private static final Pattern RECORD = Pattern.compile(
            "cycle (\\d{1,18}) ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}) (\\d+) (\\d+)\n?");

    /** The cycle being removed, as written down before it is moved. */
    private record Removal(long cycle, String id, Staging.Key key) {
        String encode() {
            return "cycle " + cycle + " " + id + " " + key.device() + " " + key.inode() + "\n";
        }

        Path moved(Layout layout, String dataset) {
            return layout.pruneWorkspace(dataset).resolve("cycle-" + cycle + "-" + id);
        }
    }

    PruneSummary prune(String dataset, RetentionPolicy policy, boolean dryRun, ProgressListener listener) {
        return prune(dataset, policy, dryRun, listener, null);
    }

    /**
     * @param offsite the off-site copies' part of the prune, {@code null} without off-site copies: each cycle removed
     *                locally and not kept by its keep rule, and each cycle only off-site that rule no longer keeps, is
     *                written down for deletion from the store before the local removal (see "Pruning off-site")
     */
    PruneSummary prune(String dataset, RetentionPolicy policy, boolean dryRun, ProgressListener listener,
            OffsitePruning offsite) {
        Layout.requireValidName(dataset);
        java.util.Objects.requireNonNull(policy, "policy");
        DatasetChecks.requireBackups(layout, dataset);
        try (DatasetLock lock = DatasetLock.acquire(layout.lockFile(dataset), dataset, options.lockTimeout())) {
            listener.phase(Phase.LOCKED);
            List<String> warnings = new ArrayList<>();
            if (!dryRun) {
                // a dry run changes nothing: what a killed prune left in the workspace is already out of the
                // backup directory, so the decision below sees the same cycles either way
                warnings.addAll(recover(layout, dataset));
            }
            // the good level 0s by what is on disk; a level 0 a verify found corrupt is not good either
            java.util.Set<Long> corruptFulls = new java.util.HashSet<>();
            for (LevelVerified verified : verifyRecords.current(dataset)) {
                if (verified.level() == 0 && verified.status() == LevelCheck.Status.CORRUPT) {
                    corruptFulls.add(verified.cycle());
                }
            }
            Predicate<CycleInfo> goodFull = Retention.HAS_LEVEL_0.and(c -> !corruptFulls.contains(c.cycle()));
            Instant now = Instant.now();
            List<CycleInfo> onDisk = inventory.cycles(dataset);
            Retention.Decision decision = Retention.decide(onDisk, policy, now, goodFull);
            OffsitePlan offsitePlan = offsite == null ? null
                    : offsitePlan(dataset, onDisk, decision, offsite, now, goodFull);
            if (offsitePlan != null && !dryRun) {
                offsite.settle(dataset, onDisk.stream().map(CycleInfo::cycle)
                        .collect(java.util.stream.Collectors.toSet()));
                for (PruneSummary.Removed only : offsitePlan.storedOnly()) {
                    offsite.schedule(dataset, only.cycle());
                }
            }
            List<PruneSummary.Removed> removed = new ArrayList<>();
            List<PruneSummary.Kept> kept = new ArrayList<>(decision.kept());
            long bytesFreed = 0;
            if (!dryRun && !decision.removed().isEmpty()) {
                workspace(dataset); // refused before anything is moved when something else stands in its place
            }
            // what each cycle to remove holds, counted before the first goes: the progress's totals
            List<CycleInfo> toRemove = new ArrayList<>();
            List<FileStat> stats = new ArrayList<>();
            List<long[]> contents = new ArrayList<>();
            long filesToRemove = 0;
            long bytesToRemove = 0;
            for (CycleInfo cycle : decision.removed()) {
                FileStat stat = FileStat.of(cycle.directory());
                if (!stat.isDirectory()) {
                    // never moved or followed: only a real directory is a cycle the engine wrote
                    warnings.add(cycle.directory() + " is not a real directory; left alone");
                    continue;
                }
                long[] content = contentOf(cycle.directory());
                toRemove.add(cycle);
                stats.add(stat);
                contents.add(content);
                filesToRemove += content[0];
                bytesToRemove += content[1];
            }
            if (!dryRun) {
                listener.totals(filesToRemove, bytesToRemove, false);
            }
            for (int i = 0; i < toRemove.size(); i++) {
                CycleInfo cycle = toRemove.get(i);
                long[] content = contents.get(i);
                String offsiteFate = offsitePlan == null ? null
                        : offsitePlan.deleted().contains(cycle.cycle()) ? PruneSummary.OFFSITE_PENDING
                        : PruneSummary.OFFSITE_KEPT;
                if (!dryRun) {
                    if (PruneSummary.OFFSITE_PENDING.equals(offsiteFate)) {
                        // written down before the move: a crash after the move cannot lose the deletion, and the
                        // uploader deletes only once the cycle is out of the backup directory
                        offsite.schedule(dataset, cycle.cycle());
                    }
                    remove(dataset, cycle.cycle(), new Staging.Key(stats.get(i).device(), stats.get(i).inode()),
                            listener);
                    listener.removed(cycle.cycle(), content[0], content[1]);
                }
                removed.add(new PruneSummary.Removed(cycle.cycle(), cycle.levels().size()
                        + cycle.levelsAfterGap().size(), content[1], offsiteFate));
                bytesFreed += content[1];
            }
            warnings.forEach(listener::warning);
            return new PruneSummary(dataset, dryRun, List.copyOf(removed), List.copyOf(kept), bytesFreed,
                    List.copyOf(warnings), lock.waited(),
                    offsitePlan == null ? List.of() : offsitePlan.storedOnly());
        } catch (IOException e) {
            throw FileOps.translate(e, "pruning dataset '" + dataset + "'");
        }
    }

    /**
     * What goes from the store.
     *
     * @param deleted    the cycles removed locally that go from the store too
     * @param storedOnly the cycles only in the store that go from it
     */
    private record OffsitePlan(java.util.Set<Long> deleted, List<PruneSummary.Removed> storedOnly) {
    }

    /**
     * The off-site decision. Without an off-site keep rule, the store follows the local prune: every cycle removed
     * locally goes. With one, the rule is applied to every cycle on disk and in the store together; a cycle removed
     * locally, or only in the store, goes from the store when that rule does not keep it. A cycle kept locally never
     * goes from the store.
     */
    private static OffsitePlan offsitePlan(String dataset, List<CycleInfo> onDisk, Retention.Decision local,
            OffsitePruning offsite, Instant now, Predicate<CycleInfo> goodFull) {
        java.util.Set<Long> removedLocally = new java.util.TreeSet<>();
        local.removed().forEach(c -> removedLocally.add(c.cycle()));
        RetentionPolicy offsitePolicy = offsite.policy();
        if (offsitePolicy == null) {
            return new OffsitePlan(removedLocally, List.of());
        }
        java.util.Set<Long> localCycles = new java.util.HashSet<>();
        onDisk.forEach(c -> localCycles.add(c.cycle()));
        List<CycleInfo> all = new ArrayList<>(onDisk);
        java.util.Map<Long, CycleInfo> storedOnly = new java.util.TreeMap<>();
        for (java.util.Map.Entry<Long, List<LevelInfo>> e : offsite.storedCycles(dataset).entrySet()) {
            if (localCycles.contains(e.getKey()) || e.getValue().isEmpty()) {
                continue;
            }
            List<LevelInfo> levels = new ArrayList<>(e.getValue());
            levels.sort(java.util.Comparator.comparingInt(LevelInfo::level));
            // only the retention's view matters here: its levels' times, and whether it has a level 0
            CycleInfo cycle = levels.get(0).level() == 0
                    ? new CycleInfo(e.getKey(), null, levels)
                    : new CycleInfo(e.getKey(), null, List.of(), List.of(0), levels);
            all.add(cycle);
            storedOnly.put(e.getKey(), cycle);
        }
        Predicate<CycleInfo> good = c -> storedOnly.containsKey(c.cycle()) ? Retention.HAS_LEVEL_0.test(c)
                : goodFull.test(c);
        java.util.Set<Long> keptOffsite = new java.util.HashSet<>();
        Retention.decide(all, offsitePolicy, now, good).kept().forEach(k -> keptOffsite.add(k.cycle()));
        java.util.Set<Long> deleted = new java.util.TreeSet<>(removedLocally);
        deleted.removeAll(keptOffsite);
        List<PruneSummary.Removed> goneFromStore = new ArrayList<>();
        for (CycleInfo c : storedOnly.values()) {
            if (!keptOffsite.contains(c.cycle())) {
                goneFromStore.add(new PruneSummary.Removed(c.cycle(), c.levels().size() + c.levelsAfterGap().size(),
                        java.util.stream.Stream.concat(c.levels().stream(), c.levelsAfterGap().stream())
                                .mapToLong(LevelInfo::size).sum(), PruneSummary.OFFSITE_PENDING));
            }
        }
        return new OffsitePlan(deleted, List.copyOf(goneFromStore));
    }

    /** Removes one cycle directory whole: written down, moved out (the commit point), deleted, record removed. */
    private void remove(String dataset, long cycle, Staging.Key key, ProgressListener listener) throws IOException {
        Path directory = layout.cycleDir(dataset, cycle);
        Path workspace = layout.pruneWorkspace(dataset);
        Removal removal = new Removal(cycle, UUID.randomUUID().toString(), key);
        Path recordFile = layout.pruneRecord(dataset);
        Files.createDirectories(recordFile.getParent());
        byte[] text = removal.encode().getBytes(StandardCharsets.UTF_8);
        FileOps.writeAtomically(recordFile, layout.tmpDir(dataset), out -> out.write(text));
        listener.phase(Phase.PRUNE_RECORDED);
        Path moved = removal.moved(layout, dataset);
        Files.move(directory, moved, StandardCopyOption.ATOMIC_MOVE);
        FileOps.syncDirectory(layout.backupDir(dataset));
        FileOps.syncDirectory(workspace);
        listener.phase(Phase.PRUNE_MOVED);
        FileOps.deleteRecursively(moved);
        FileOps.syncDirectory(workspace);
        listener.phase(Phase.PRUNE_DELETED);
        clear(recordFile);
    }

    /**
     * The dataset's prune workspace, created if absent; refused when something else stands in its place (a
     * symlink, say), so that no cycle is ever moved through it.
     */
    private Path workspace(String dataset) throws IOException {
        Path workspace = layout.pruneWorkspace(dataset);
        Files.createDirectories(workspace.getParent());
        try {
            Files.createDirectory(workspace);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // there already: checked below
        }
        for (Path dir : List.of(workspace.getParent(), workspace)) {
            if (!FileStat.of(dir).isDirectory()) {
                throw new BackupException.NotWritable("prune workspace " + dir + " is not a real directory; the"
                        + " engine created no such thing: remove it", null);
            }
        }
        return workspace;
    }

    /** Whether a killed prune left a record for this dataset. */
    static boolean hasRecord(Layout layout, String dataset) {
        return Files.exists(layout.pruneRecord(dataset), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Finishes what a killed prune of {@code dataset} left, as its record says; only under the dataset's lock.
     * The cycle it names was either not moved yet (it is whole in place and stays) or moved into the workspace
     * (it is out of the backup directory and is deleted now). Returns notes for the run's warnings.
     */
    static List<String> recover(Layout layout, String dataset) throws IOException {
        Path recordFile = layout.pruneRecord(dataset);
        if (!hasRecord(layout, dataset)) {
            return List.of();
        }
        String text = Files.readString(recordFile, StandardCharsets.UTF_8);
        Matcher m = RECORD.matcher(text);
        if (!m.matches()) {
            throw new BackupException.IoFailure("prune record " + recordFile + " is unreadable ('" + text.strip()
                    + "'); check " + layout.pruneWorkspace(dataset) + " and remove the record", null);
        }
        Removal removal = new Removal(Long.parseLong(m.group(1)), m.group(2),
                new Staging.Key(Long.parseLong(m.group(3)), Long.parseLong(m.group(4))));
        List<String> notes = new ArrayList<>();
        Path moved = removal.moved(layout, dataset);
        if (isOurs(moved, removal.key())) {
            FileOps.deleteRecursively(moved);
            FileOps.syncDirectory(moved.getParent());
            notes.add("finished removing cycle " + removal.cycle() + " of dataset '" + dataset
                    + "', which a killed prune had taken out of the backup directory");
        } else if (Files.exists(moved, LinkOption.NOFOLLOW_LINKS)) {
            notes.add(moved + " is not the cycle directory a killed prune moved there; left alone");
        } else if (isOurs(layout.cycleDir(dataset, removal.cycle()), removal.key())) {
            notes.add("cycle " + removal.cycle() + " of dataset '" + dataset + "' was written down by a killed"
                    + " prune but not taken out; it is whole in place, and the next prune decides again");
        }
        clear(recordFile);
        return notes;
    }

    private static boolean isOurs(Path path, Staging.Key key) throws IOException {
        try {
            FileStat stat = FileStat.of(path);
            return stat.isDirectory() && stat.device() == key.device() && stat.inode() == key.inode();
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    private static void clear(Path recordFile) throws IOException {
        if (Files.deleteIfExists(recordFile)) {
            FileOps.syncDirectory(recordFile.getParent());
        }
    }

    /** The regular files under a cycle directory and their bytes, symlinks not followed: {files, bytes}. */
    private static long[] contentOf(Path directory) throws IOException {
        long[] content = {0, 0};
        Files.walkFileTree(directory, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (attributes.isRegularFile()) {
                    content[0]++;
                    content[1] += attributes.size();
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return content;
    }
}
