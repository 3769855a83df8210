package org.aiod.backup.offsite;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.aiod.backup.catalog.CycleEntry;
import org.aiod.backup.catalog.DatasetCatalog;
import org.aiod.backup.catalog.DatasetEntry;
import org.aiod.backup.catalog.LevelEntry;
import org.aiod.backup.engine.LevelInfo;
import org.aiod.backup.engine.OffsiteLayout;
import org.aiod.backup.engine.OffsitePruning;
import org.aiod.backup.engine.OffsiteStore;
import org.aiod.backup.engine.RetentionPolicy;
import org.jboss.logging.Logger;

/**
 * Copies every committed level to the off-site store on a thread of its own, so a backup never waits for it.
 *
 * <p>Each round finds the levels on disk through the {@link DatasetCatalog} (levels written by the command line,
 * another process or the legacy scripts too), gives each new one the state {@code PENDING}, and uploads those that are
 * due, oldest cycle and level first: the archive, then the cycle's {@code SHA256SUMS} and snapshot file as they are
 * then ({@link OffsiteLayout#levelFiles}). A failed attempt makes the level {@code FAILED} with its reason and a next
 * attempt after a wait that doubles from {@code retry-initial} up to {@code retry-max}; it is tried until it succeeds.
 * Every state is kept on disk ({@link OffsiteStates}), so a restart goes on where it stopped.
 *
 * <p>It takes no dataset lock: an upload may take hours, and a backup must not wait for it. What makes that safe: an
 * archive is never rewritten once committed, {@code SHA256SUMS} and the snapshot file are replaced by a rename, and
 * each file is read through one open channel, so a file renamed or deleted meanwhile is still read whole. A prune
 * that removes a cycle before its levels are uploaded makes their files vanish: the attempt fails, and the next round,
 * seeing the level gone from disk, forgets it (logged). Uploaded levels stay recorded: their copies stay off-site.
 *
 * <p>It also does the deletions a prune wrote down ({@link #pruning}): at the start of each round, every cycle whose
 * deletion is due and that is no longer in the backup directory has every object under its prefix deleted (listed,
 * then one by one), then its levels' states and its deletion are forgotten. A failed deletion is retried with the
 * uploads' backoff. A cycle still on disk (its prune has not moved it out yet) waits: a cycle is never deleted from
 * the store while it is kept locally. The deletion files are read again at each round, so that those another
 * process wrote down (a command-line prune that could not reach the store) are done too. Deletions and uploads run on this one thread, so an upload of the cycle that
 * was under way when the prune moved it out has ended before its objects are deleted, and none starts after (the
 * cycle is gone from disk).
 */
public final class OffsiteUploader implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(OffsiteUploader.class);

    private static final Comparator<OffsiteLevel> ORDER = Comparator.comparing(OffsiteLevel::dataset)
            .thenComparingLong(OffsiteLevel::cycle).thenComparingInt(OffsiteLevel::level);

    private final DatasetCatalog catalog;
    private final OffsiteStore store;
    private final OffsiteLayout layout;
    private final OffsiteStates states;
    private final OffsiteDeletions deletions;
    private final Duration retryInitial;
    private final Duration retryMax;
    private final Duration scanInterval;
    private final Clock clock;
    private final Semaphore wakeups = new Semaphore(0);
    private volatile Thread thread;
    private volatile boolean stopped;

    /**
     * @param stateDirectory where the states are kept ({@code <state-dir>/offsite})
     * @param retryInitial   the wait after a level's first failed attempt; doubled after each further one
     * @param retryMax       the longest wait between two attempts
     * @param scanInterval   how often the levels on disk are looked at when nothing wakes the uploader
     */
    public OffsiteUploader(DatasetCatalog catalog, OffsiteStore store, OffsiteLayout layout, Path stateDirectory,
            Duration retryInitial, Duration retryMax, Duration scanInterval, Clock clock) {
        this.catalog = catalog;
        this.store = store;
        this.layout = layout;
        this.states = new OffsiteStates(stateDirectory);
        this.deletions = new OffsiteDeletions(stateDirectory);
        this.retryInitial = retryInitial;
        this.retryMax = retryMax;
        this.scanInterval = scanInterval;
        this.clock = clock;
    }

    /** Starts the uploader's thread, which runs a round at once. */
    public synchronized void start() {
        if (thread != null) {
            return;
        }
        stopped = false;
        Thread t = new Thread(this::loop, "offsite-uploader");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** Runs a round soon (a backup committed a level). */
    public void wake() {
        wakeups.release();
    }

    /** Stops the thread, waiting for the upload under way to end or fail. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            t = thread;
            thread = null;
            stopped = true;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The off-site state of every level known, sorted by dataset, cycle and level. */
    public List<OffsiteLevel> levels() {
        return states.all().stream().sorted(ORDER).toList();
    }

    /** The off-site state of one level, if known. */
    public Optional<OffsiteLevel> level(String dataset, long cycle, int level) {
        return states.get(dataset, cycle, level);
    }

    /** The off-site deletions written down and not done yet (pending, or failed and retried), by dataset and cycle. */
    public List<OffsiteDeletion> deletions() {
        return deletions.all();
    }

    /**
     * The off-site part of a prune: {@code policy} the off-site keep rule ({@code null}: off-site follows the local
     * prune); the cycles in the store by the uploaded levels' states; deletions written down here, done by this
     * uploader's rounds.
     */
    public OffsitePruning pruning(RetentionPolicy policy) {
        return new OffsitePruning() {
            @Override
            public RetentionPolicy policy() {
                return policy;
            }

            @Override
            public Map<Long, List<LevelInfo>> storedCycles(String dataset) {
                Map<Long, List<LevelInfo>> cycles = new java.util.TreeMap<>();
                for (OffsiteLevel l : states.all()) {
                    if (l.dataset().equals(dataset) && !l.waiting()
                            && deletions.get(dataset, l.cycle()).isEmpty()) {
                        cycles.computeIfAbsent(l.cycle(), c -> new ArrayList<>())
                                .add(new LevelInfo(l.level(), null, l.bytes(), l.committed(), null));
                    }
                }
                return cycles;
            }

            @Override
            public void settle(String dataset, java.util.Set<Long> onDisk) throws IOException {
                for (OffsiteDeletion d : deletions.all()) {
                    if (d.dataset().equals(dataset) && onDisk.contains(d.cycle())) {
                        LOG.warnf("off-site: the deletion of %s cycle %d was written down by a prune that did not"
                                + " take the cycle out; it is kept locally, so it stays in the store", dataset,
                                d.cycle());
                        deletions.remove(d);
                    }
                }
            }

            @Override
            public void schedule(String dataset, long cycle) throws IOException {
                if (deletions.get(dataset, cycle).isEmpty()) {
                    deletions.put(OffsiteDeletion.scheduled(dataset, cycle, clock.instant()));
                }
            }
        };
    }

    /** Checks that the store answers; throws, saying why, when not. */
    public void checkStore() throws IOException {
        store.check();
    }

    private void loop() {
        while (!stopped) {
            try {
                round();
            } catch (RuntimeException e) {
                LOG.warnf(e, "off-site round failed; the next one tries again");
            }
            try {
                long waitMillis = nextWait().toMillis();
                if (wakeups.tryAcquire(Math.max(1, waitMillis), TimeUnit.MILLISECONDS)) {
                    wakeups.drainPermits();
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Until the earliest due attempt, at most the scan interval. */
    private Duration nextWait() {
        Instant now = clock.instant();
        Duration wait = scanInterval;
        for (OffsiteLevel l : states.all()) {
            if (l.waiting() && l.nextAttempt() != null) {
                Duration until = Duration.between(now, l.nextAttempt());
                if (until.compareTo(wait) < 0) {
                    wait = until.isNegative() ? Duration.ZERO : until;
                }
            }
        }
        for (OffsiteDeletion d : deletions.all()) {
            Duration until = d.nextAttempt() == null ? scanInterval : Duration.between(now, d.nextAttempt());
            if (until.compareTo(wait) < 0) {
                wait = until.isNegative() ? Duration.ZERO : until;
            }
        }
        return wait;
    }

    /** One round: the levels on disk looked at, then every due upload tried. Runs on the uploader's thread. */
    synchronized void round() {
        deleteDue();
        Map<String, Located> onDisk = scan();
        Instant now = clock.instant();
        List<OffsiteLevel> due = new ArrayList<>();
        for (OffsiteLevel state : states.all()) {
            if (!state.waiting()) {
                continue;
            }
            if (!onDisk.containsKey(state.id())) {
                // pruned (or deleted by hand) before its upload: nothing left to copy
                LOG.warnf("off-site: %s cycle %d level %d is gone from disk before its upload; forgotten",
                        state.dataset(), state.cycle(), state.level());
                states.remove(state);
                continue;
            }
            if (state.nextAttempt() == null || !state.nextAttempt().isAfter(now)) {
                due.add(state);
            }
        }
        due.sort(ORDER);
        for (OffsiteLevel state : due) {
            if (stopped && Thread.currentThread() == thread) {
                return;
            }
            upload(state, onDisk.get(state.id()));
        }
    }

    /**
     * Does every deletion that is due and whose cycle is out of the backup directory. The files are read again
     * first, so that the deletions another process wrote down (a command-line prune) are done here too.
     */
    private void deleteDue() {
        deletions.reload();
        if (deletions.all().isEmpty()) {
            return;
        }
        java.util.Set<String> cyclesOnDisk = cyclesOnDisk();
        Instant now = clock.instant();
        for (OffsiteDeletion d : deletions.all()) {
            if (stopped && Thread.currentThread() == thread) {
                return;
            }
            if (cyclesOnDisk.contains(d.id()) || (d.nextAttempt() != null && d.nextAttempt().isAfter(now))) {
                continue; // its prune has not moved it out yet (or a killed prune's, which the next prune forgets)
            }
            delete(d);
        }
    }

    /**
     * The command line's prune, which has no uploader thread: does every deletion of {@code dataset} written down
     * whose cycle is out of the backup directory now, whatever its backoff (the operator asks now), with the code
     * the uploader's rounds use. Returns the deletions of {@code dataset} still pending, cycle to why: the store's
     * answer, or that the cycle is still in the backup directory.
     */
    public synchronized Map<Long, String> deleteNow(String dataset) {
        deletions.reload();
        java.util.Set<String> cyclesOnDisk = cyclesOnDisk();
        for (OffsiteDeletion d : deletions.all()) {
            if (d.dataset().equals(dataset) && !cyclesOnDisk.contains(d.id())) {
                delete(d);
            }
        }
        Map<Long, String> pending = new java.util.TreeMap<>();
        for (OffsiteDeletion d : deletions.all()) {
            if (d.dataset().equals(dataset)) {
                pending.put(d.cycle(), cyclesOnDisk.contains(d.id()) ? "the cycle is still in the backup directory"
                        : String.valueOf(d.reason()));
            }
        }
        return pending;
    }

    private java.util.Set<String> cyclesOnDisk() {
        java.util.Set<String> onDisk = new java.util.HashSet<>();
        for (DatasetEntry dataset : catalog.datasets()) {
            for (CycleEntry cycle : dataset.cycles()) {
                onDisk.add(dataset.name() + "/" + cycle.cycle());
            }
        }
        return onDisk;
    }

    private void delete(OffsiteDeletion deletion) {
        String prefix = layout.cyclePrefix(deletion.dataset(), deletion.cycle());
        try {
            List<OffsiteStore.StoredObject> deleted = store.deleteAll(prefix);
            for (OffsiteLevel l : states.all()) {
                if (l.dataset().equals(deletion.dataset()) && l.cycle() == deletion.cycle()) {
                    states.remove(l);
                }
            }
            deletions.remove(deletion);
            LOG.infof("off-site: deleted %s cycle %d from the store (%d objects under %s), as its prune decided",
                    deletion.dataset(), deletion.cycle(), deleted.size(), prefix);
        } catch (IOException | RuntimeException e) {
            Duration wait = backoff(deletion.attempts());
            String why = String.valueOf(e.getMessage() == null ? e : e.getMessage());
            OffsiteDeletion failed = deletion.failed(why, clock.instant().plus(wait));
            try {
                deletions.update(failed);
            } catch (IOException | RuntimeException write) {
                LOG.errorf("cannot write the off-site deletion state of %s cycle %d: %s", deletion.dataset(),
                        deletion.cycle(), write);
            }
            LOG.warnf("off-site deletion of %s cycle %d failed (attempt %d, next in %s): %s", deletion.dataset(),
                    deletion.cycle(), failed.attempts(), wait, why);
        }
    }

    /** A level on disk: its cycle directory and entry. */
    private record Located(Path cycleDirectory, LevelEntry level) {
    }

    private Map<String, Located> scan() {
        return scan(true);
    }

    /** The levels on disk; with {@code register}, each not known yet is given the state {@code PENDING}. */
    private Map<String, Located> scan(boolean register) {
        Map<String, Located> found = new HashMap<>();
        Instant now = clock.instant();
        for (DatasetEntry dataset : catalog.datasets()) {
            for (CycleEntry cycle : dataset.cycles()) {
                for (LevelEntry level : (Iterable<LevelEntry>) Stream.concat(cycle.levels().stream(),
                        cycle.levelsAfterGap().stream())::iterator) {
                    found.put(OffsiteLevel.id(dataset.name(), cycle.cycle(), level.level()),
                            new Located(cycle.directory(), level));
                    if (register && states.get(dataset.name(), cycle.cycle(), level.level()).isEmpty()) {
                        states.put(OffsiteLevel.pending(dataset.name(), cycle.cycle(), level.level(),
                                level.modified(), now));
                    }
                }
            }
        }
        return found;
    }

    /**
     * The off-site objects of {@code dataset}'s uploaded levels still on disk that are missing or differ: the
     * archive must be there with the local archive's size and the {@code sha256} of its local {@code SHA256SUMS}
     * line; the cycle's {@code SHA256SUMS} and snapshot file must be there (their content follows later levels, so
     * only their existence is checked). One line per problem, naming the object; a store that cannot be read is one.
     * Levels waiting for their upload are not looked at: their state says where they are.
     */
    public List<String> audit(String dataset) {
        List<String> problems = new ArrayList<>();
        // read-only: the uploader's thread alone writes the states
        for (Map.Entry<String, Located> entry : scan(false).entrySet()) {
            Located located = entry.getValue();
            String[] id = entry.getKey().split("/");
            if (!id[0].equals(dataset)) {
                continue;
            }
            long cycle = Long.parseLong(id[1]);
            Optional<OffsiteLevel> state = states.get(dataset, cycle, located.level().level());
            if (state.isEmpty() || state.get().waiting()) {
                continue;
            }
            List<Path> files = OffsiteLayout.levelFiles(dataset, located.cycleDirectory(), located.level().archive());
            for (int i = 0; i < files.size(); i++) {
                String key = layout.key(dataset, cycle, files.get(i).getFileName().toString());
                try {
                    Optional<OffsiteStore.StoredObject> stored = store.stat(key);
                    if (stored.isEmpty()) {
                        problems.add("off-site object " + key + " of cycle " + cycle + " level "
                                + located.level().level() + " is missing");
                    } else if (i == 0 && stored.get().size() != located.level().size()) {
                        problems.add("off-site object " + key + " holds " + stored.get().size() + " bytes, the local"
                                + " archive " + located.level().size());
                    } else if (i == 0 && !String.valueOf(located.level().sha256()).equalsIgnoreCase(
                            String.valueOf(stored.get().sha256()))) {
                        problems.add("off-site object " + key + " has sha256 " + stored.get().sha256() + ", the local"
                                + " SHA256SUMS lists " + located.level().sha256());
                    }
                } catch (IOException e) {
                    problems.add("off-site object " + key + " cannot be read: " + e.getMessage());
                }
            }
        }
        return problems;
    }

    private void upload(OffsiteLevel state, Located located) {
        List<Path> files = OffsiteLayout.levelFiles(state.dataset(), located.cycleDirectory(),
                located.level().archive());
        List<String> notes = new ArrayList<>();
        long archiveBytes = 0;
        try {
            for (int i = 0; i < files.size(); i++) {
                Path file = files.get(i);
                String key = layout.key(state.dataset(), state.cycle(), file.getFileName().toString());
                boolean archive = i == 0;
                try {
                    OffsiteStore.StoredObject stored = store.put(key, file, archive ? located.level().sha256() : null);
                    if (archive) {
                        archiveBytes = stored.size();
                    }
                } catch (NoSuchFileException e) {
                    if (archive) {
                        throw e;
                    }
                    // a level written by the legacy scripts has no SHA256SUMS; a crash between the commit and the
                    // snapshot's rename leaves none yet: the archive is what a restore needs
                    notes.add("no " + file.getFileName() + " on disk to copy");
                }
            }
            states.put(state.uploaded(archiveBytes, clock.instant(), notes.isEmpty() ? null : String.join("; ", notes)));
        } catch (IOException | RuntimeException e) {
            Duration wait = backoff(state.attempts());
            String why = e instanceof NoSuchFileException ? "its archive " + e.getMessage() + " is gone from disk"
                    : String.valueOf(e.getMessage() == null ? e : e.getMessage());
            OffsiteLevel failed = state.failed(why, clock.instant().plus(wait));
            states.put(failed);
            LOG.warnf("off-site upload of %s cycle %d level %d failed (attempt %d, next in %s): %s", state.dataset(),
                    state.cycle(), state.level(), failed.attempts(), wait, why);
        }
    }

    /** The wait after {@code failedBefore} earlier failures and this one: retry-initial doubled, up to retry-max. */
    Duration backoff(int failedBefore) {
        Duration wait = retryInitial;
        for (int i = 0; i < failedBefore && wait.compareTo(retryMax) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(retryMax) > 0 ? retryMax : wait;
    }
}
