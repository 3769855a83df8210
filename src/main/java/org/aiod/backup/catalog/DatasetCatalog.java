package org.aiod.backup.catalog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.config.EngineProducer;
import org.aiod.backup.engine.BackupException;
import org.aiod.backup.engine.CycleInfo;
import org.aiod.backup.engine.DatasetName;
import org.aiod.backup.engine.Engine;
import org.aiod.backup.engine.FetchSummary;
import org.aiod.backup.engine.LevelCheck;
import org.aiod.backup.engine.LevelInfo;
import org.aiod.backup.engine.LevelVerified;
import org.aiod.backup.engine.OffsiteLayout;
import org.aiod.backup.engine.OffsiteStore;
import org.aiod.backup.engine.ProgressListener;
import org.aiod.backup.engine.TreeEntry;
import org.aiod.backup.engine.VerifyDepth;
import org.aiod.backup.engine.VerifySummary;

/**
 * The managed datasets and their backups, read from disk through the engine on every call (nothing is cached, so
 * levels written by the command line, another process or the legacy scripts show at once). The API, the scheduler,
 * the metrics and the command line read dataset facts here, never from the job runner; the engine's own value types
 * stay behind this class.
 */
@ApplicationScoped
public class DatasetCatalog {

    /** Later means completed later; levels completed in the same instant are ordered by cycle, then level. */
    private static final Comparator<CycleLevel> COMPLETION = Comparator.comparing(CycleLevel::completed)
            .thenComparingLong(CycleLevel::cycle).thenComparingInt(l -> l.level().level());

    private final Engine engine;
    /** The datasets named in {@code backup.datasets}; empty: every dataset the engine finds. */
    private final List<String> configured;
    /** The off-site store restores and {@code fetch} read from; {@code null} with off-site copies off. */
    private final OffsiteStore offsiteStore;
    private final OffsiteLayout offsiteLayout;

    @Inject
    DatasetCatalog(Engine engine, BackupConfig config) {
        this(engine, config.datasets().orElse(List.of()), EngineProducer.offsiteStore(config).orElse(null),
                new OffsiteLayout(config.offsite().prefix().orElse(null)));
    }

    /**
     * A catalog over {@code engine}.
     *
     * @param configured the managed datasets; empty: every top-level directory of the data root and every dataset
     *                   that has backups
     */
    public DatasetCatalog(Engine engine, List<String> configured) {
        this(engine, configured, null, null);
    }

    /**
     * A catalog over {@code engine} that also knows the off-site copies in {@code offsiteStore} under
     * {@code offsiteLayout} (both {@code null}: off-site copies off).
     */
    public DatasetCatalog(Engine engine, List<String> configured, OffsiteStore offsiteStore,
            OffsiteLayout offsiteLayout) {
        this.engine = engine;
        this.configured = List.copyOf(configured);
        this.offsiteStore = offsiteStore;
        this.offsiteLayout = offsiteStore == null ? null : offsiteLayout;
    }

    @PreDestroy
    void closeOffsiteStore() {
        if (offsiteStore instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                // shutting down: the client's connections go with the process
            }
        }
    }

    /** A catalog outside the service (the one-shot command line): no CDI. */
    public static DatasetCatalog standalone(BackupConfig config) {
        return of(EngineProducer.create(config), config);
    }

    /** A catalog over an engine built elsewhere, such as the standalone job runner's. */
    public static DatasetCatalog of(Engine engine, BackupConfig config) {
        return new DatasetCatalog(engine, config);
    }

    /** The names of the datasets this service manages: {@code backup.datasets}, or else every one on disk, sorted. */
    public List<String> names() {
        return configured.isEmpty() ? engine.datasets() : configured;
    }

    /**
     * Whether {@code name} is a managed dataset. Without {@code backup.datasets}, a dataset that has backups only
     * off-site is managed too (a new host with an empty backup root); the store is asked only when the name is not
     * found on disk, and a store that cannot be read then counts as not having it.
     */
    public boolean manages(String name) {
        if (names().contains(name)) {
            return true;
        }
        if (!configured.isEmpty() || offsiteStore == null || !DatasetName.isValid(name)) {
            return false;
        }
        try {
            return !offsiteCycles(name).isEmpty();
        } catch (BackupException e) {
            return false;
        }
    }

    /** Whether off-site copies are on: restores and {@code fetch} can read levels from the store. */
    public boolean offsiteEnabled() {
        return offsiteStore != null;
    }

    /**
     * The cycles of {@code dataset} that have levels in the off-site store, each with its levels there (ascending);
     * empty with off-site copies off. Read from the store on every call.
     *
     * @throws BackupException.OffsiteUnavailable the store cannot be listed
     */
    public Map<Long, List<Integer>> offsiteCycles(String dataset) {
        if (offsiteStore == null) {
            return Map.of();
        }
        List<OffsiteStore.StoredObject> objects;
        try {
            objects = offsiteStore.list(offsiteLayout.datasetPrefix(dataset));
        } catch (IOException e) {
            throw new BackupException.OffsiteUnavailable("cannot list dataset '" + dataset
                    + "' in the off-site store: " + e.getMessage(), e);
        }
        Map<Long, List<Integer>> cycles = new java.util.TreeMap<>();
        offsiteLayout.byCycle(dataset, objects).forEach((cycle, files) -> {
            List<Integer> levels = List.copyOf(OffsiteLayout.levels(dataset, files).keySet());
            if (!levels.isEmpty()) {
                cycles.put(cycle, levels);
            }
        });
        return cycles;
    }

    /**
     * Brings from the off-site store the levels of {@code dataset} (of one cycle, or of all when {@code cycle} is
     * null) that the backup root lacks, and with {@code replaceCorrupt} those whose local archive fails its
     * {@code SHA256SUMS} line; each checked before it lands (see the engine's {@code fetch}).
     *
     * @throws BackupException.OffsiteCorrupt     a download failed its check; nothing of it was written
     * @throws BackupException.OffsiteUnavailable the store could not be read, or off-site copies are off
     */
    public FetchReport fetch(String dataset, Long cycle, boolean replaceCorrupt) {
        if (offsiteStore == null) {
            throw new BackupException.OffsiteUnavailable("off-site copies are off (backup.offsite.bucket is not set):"
                    + " there is nothing to fetch from", null);
        }
        FetchSummary s = engine.fetch(dataset, cycle, replaceCorrupt, offsiteStore, offsiteLayout);
        return new FetchReport(s.dataset(), s.fetched().stream().map(f -> new FetchReport.FetchedLevel(f.cycle(),
                f.level(), f.bytes(), f.reason().name().toLowerCase(java.util.Locale.ROOT))).toList());
    }

    /** Every managed dataset with its cycles. */
    public List<DatasetEntry> datasets() {
        return names().stream().map(this::entry).toList();
    }

    /** A managed dataset with its cycles; empty when {@code name} is not managed. */
    public Optional<DatasetEntry> dataset(String name) {
        return manages(name) ? Optional.of(entry(name)) : Optional.empty();
    }

    /**
     * The cycles of {@code dataset}, ascending by label; empty when it has no backups. Each level carries its last
     * recorded verify ({@link LevelEntry#checksum}), read from the engine's records after the cycles, so that a
     * level written meanwhile is at worst shown as not verified.
     */
    public List<CycleEntry> cycles(String dataset) {
        List<CycleInfo> cycles = engine.cycles(dataset);
        Map<String, LevelVerified> verified = new HashMap<>();
        if (!cycles.isEmpty()) {
            for (LevelVerified v : engine.verifications(dataset)) {
                verified.put(v.cycle() + "/" + v.level(), v);
            }
        }
        return cycles.stream().map(info -> cycle(info, verified)).toList();
    }

    /**
     * The level a point-in-time restore of {@code dataset} takes: of the restorable levels of all its cycles, the one
     * completed last at or before {@code at}. A level is completed when its archive is committed, and its archive's
     * modification time is that moment: the archive is written and closed just before its rename into the cycle, the
     * commit point (GNU tar and the legacy scripts leave the same time on theirs), and nothing writes it afterwards.
     * No other file keeps a time per level: the cycle's snapshot file holds only its last level's start, and
     * {@code SHA256SUMS} no time at all. Levels after a gap in their cycle cannot be restored and are never chosen.
     *
     * @throws BackupException.NoLevelAt when every restorable level was completed after {@code at} (the message
     *                                   names the earliest and its time), or the dataset has none
     * @throws BackupException.InvalidDataset when {@code dataset} is not a valid dataset name
     */
    public CycleLevel levelAt(String dataset, Instant at) {
        CycleLevel chosen = null;
        CycleLevel earliest = null;
        for (CycleEntry cycle : cycles(dataset)) {
            // the restorable levels only: those after a gap are the cycle's levelsAfterGap
            for (LevelEntry level : cycle.levels()) {
                CycleLevel candidate = new CycleLevel(cycle.cycle(), level);
                if (earliest == null || COMPLETION.compare(candidate, earliest) < 0) {
                    earliest = candidate;
                }
                if (!candidate.completed().isAfter(at) && (chosen == null || COMPLETION.compare(candidate, chosen) > 0)) {
                    chosen = candidate;
                }
            }
        }
        if (chosen != null) {
            return chosen;
        }
        if (earliest == null) {
            throw new BackupException.NoLevelAt("dataset '" + dataset + "' has no level to restore at " + at
                    + ": it has no restorable level at all");
        }
        throw new BackupException.NoLevelAt("dataset '" + dataset + "' has no level completed at or before " + at
                + "; its earliest, cycle " + earliest.cycle() + " level " + earliest.level().level()
                + ", was completed at " + earliest.completed());
    }

    /**
     * Whether {@code <data-root>/<dataset>} exists. A symbolic link or a file there counts: it is the engine's to
     * refuse by name when a backup runs.
     */
    public boolean hasDataDirectory(String dataset) {
        return Files.exists(engine.options().dataRoot().resolve(dataset), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Reads every archive of {@code dataset} (of one cycle, or of all when {@code cycle} is null) to its end against
     * {@code SHA256SUMS}; changes no backup, and records what it found per level (a {@code checksums} verify).
     */
    public List<LevelVerification> verify(String dataset, Long cycle) {
        return engine.verify(dataset, cycle).stream().map(DatasetCatalog::verification).toList();
    }

    /**
     * Verifies {@code dataset} at {@code depth} under its lock: {@code checksums} reads every archive against
     * {@code SHA256SUMS}, {@code drill} restores the newest restorable level into a scratch directory on the backup
     * volume and checks every member. What it finds per level is recorded, and shown by {@link #cycles} from then
     * on. What is found corrupt is in the report, not thrown.
     */
    public VerifyReport verify(String dataset, VerifyDepthName depth, ProgressListener listener) {
        VerifySummary summary = engine.verify(dataset, VerifyDepth.valueOf(depth.name()), listener);
        VerifySummary.Drill drill = summary.drill();
        return new VerifyReport(summary.dataset(), depth,
                summary.checks().stream().map(DatasetCatalog::verification).toList(),
                drill == null ? null : new VerifyReport.Drill(drill.cycle(), drill.level(), drill.files(),
                        drill.bytes(), drill.problems()),
                summary.lockWait());
    }

    /**
     * The entries of the directory {@code path} (shown names joined by {@code /}; empty: the dataset's top) as it
     * was at {@code level} of {@code cycle}, read from the archives. Fails with the engine's {@code NO_SUCH_CYCLE},
     * {@code NO_SUCH_LEVEL}, {@code CHAIN_BROKEN}, {@code NO_SUCH_PATH} or {@code INVALID_PATH} (a file).
     */
    public List<PathEntry> tree(String dataset, long cycle, int level, String path) {
        return engine.list(dataset, cycle, level, path).stream().map(DatasetCatalog::pathEntry).toList();
    }

    /**
     * The content of the file {@code path} as it was at {@code level} of {@code cycle}: the archive holding it is
     * read up to its member before this returns (so a missing path fails here, not while streaming). The caller
     * closes it.
     */
    public FileDownload open(String dataset, long cycle, int level, String path) {
        return new FileDownload(engine.open(dataset, cycle, level, path));
    }

    private static PathEntry pathEntry(TreeEntry entry) {
        PathEntry.Type type = switch (entry.type()) {
            case FILE -> PathEntry.Type.FILE;
            case DIRECTORY -> PathEntry.Type.DIRECTORY;
            case SYMLINK -> PathEntry.Type.SYMLINK;
        };
        return new PathEntry(entry.name(), type, entry.size(), entry.modified(), entry.mode(), entry.level(),
                entry.link());
    }

    private DatasetEntry entry(String name) {
        return new DatasetEntry(name, hasDataDirectory(name), cycles(name));
    }

    private static CycleEntry cycle(CycleInfo info, Map<String, LevelVerified> verified) {
        return new CycleEntry(info.cycle(), info.directory(),
                info.levels().stream().map(l -> level(info.cycle(), l, verified)).toList(),
                info.missingLevels(), info.levelsAfterGap().stream().map(l -> level(info.cycle(), l, verified)).toList(),
                // the engine's chain rule decides these; the catalog does not decide them again
                info.lastLevel(), info.highestLevel());
    }

    private static LevelEntry level(long cycle, LevelInfo info, Map<String, LevelVerified> verified) {
        LevelVerified v = verified.get(cycle + "/" + info.level());
        Optional<LevelEntry.LastVerify> last = v == null ? Optional.empty()
                : Optional.of(new LevelEntry.LastVerify(v.at(), VerifyDepthName.valueOf(v.depth().name()),
                        v.status() == LevelCheck.Status.CORRUPT, v.detail()));
        return new LevelEntry(info.level(), info.archive(), info.size(), info.modified(), info.sha256(),
                last.map(LevelEntry.LastVerify::at), last);
    }

    private static LevelVerification verification(LevelCheck check) {
        LevelVerification.Status status = switch (check.status()) {
            case OK -> LevelVerification.Status.OK;
            case UNLISTED -> LevelVerification.Status.UNLISTED;
            case CORRUPT -> LevelVerification.Status.CORRUPT;
            case MISSING -> LevelVerification.Status.MISSING;
        };
        return new LevelVerification(check.cycle(), check.level(), check.archive(), status, check.detail());
    }
}
