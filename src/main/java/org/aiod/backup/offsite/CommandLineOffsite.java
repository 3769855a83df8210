package org.aiod.backup.offsite;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.aiod.backup.catalog.DatasetCatalog;
import org.aiod.backup.config.BackupConfig;
import org.aiod.backup.engine.OffsiteLayout;
import org.aiod.backup.engine.OffsitePruning;
import org.aiod.backup.job.OffsiteAudit;

/**
 * The off-site copies as the command line's prune sees them, with {@code backup.offsite.*} on: the same state files
 * under {@code <state-dir>/offsite} as the service's uploader, and an {@link OffsiteUploader} whose thread is never
 * started, so that the prune writes the same deletion files and then does them with the uploader's own code
 * ({@link OffsiteUploader#deleteNow}) before the process exits. What the store does not take stays written down for
 * a running service's uploader (which reads the files at each round) or the next prune.
 */
public final class CommandLineOffsite implements OffsiteAudit, AutoCloseable {

    private final BackupConfig config;
    private final S3OffsiteStore store;
    private final OffsiteUploader uploader;

    private CommandLineOffsite(BackupConfig config, S3OffsiteStore store, OffsiteUploader uploader) {
        this.config = config;
        this.store = store;
        this.uploader = uploader;
    }

    /** The command line's off-site copies over {@code catalog}; empty when off-site copies are off. */
    public static Optional<CommandLineOffsite> open(BackupConfig config, DatasetCatalog catalog) {
        BackupConfig.Offsite offsite = config.offsite();
        if (!offsite.enabled()) {
            return Optional.empty();
        }
        S3OffsiteStore store = S3OffsiteStore.create(offsite);
        OffsiteUploader uploader = new OffsiteUploader(catalog, store, new OffsiteLayout(offsite.prefix().orElse(null)),
                config.stateDir().resolve("offsite"), offsite.retryInitial(), offsite.retryMax(),
                offsite.scanInterval(), Clock.systemUTC());
        return Optional.of(new CommandLineOffsite(config, store, uploader));
    }

    /** Not asked of the command line, whose verify does not look at the store (see Verifying the off-site copies). */
    @Override
    public List<String> problems(String dataset) {
        return List.of();
    }

    @Override
    public OffsitePruning pruning() {
        return uploader.pruning(config.offsiteRetentionPolicy());
    }

    @Override
    public Map<Long, String> deleteNow(String dataset) {
        return uploader.deleteNow(dataset);
    }

    @Override
    public void close() {
        store.close();
    }
}
