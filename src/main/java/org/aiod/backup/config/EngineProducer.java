package org.aiod.backup.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import java.util.Optional;

import org.aiod.backup.engine.Engine;
import org.aiod.backup.engine.EngineOptions;
import org.aiod.backup.engine.OffsiteStore;
import org.aiod.backup.offsite.S3OffsiteStore;

/** Builds the engine from the configuration. */
public class EngineProducer {

    @Produces
    @ApplicationScoped
    Engine engine(BackupConfig config) {
        return create(config);
    }

    /** The engine for {@code config}; also used by the one-shot command line, which runs without CDI. */
    public static Engine create(BackupConfig config) {
        EngineOptions options = EngineOptions.defaults(config.dataRoot(), config.backupRoot())
                .withStateDir(config.stateDir())
                .withCycleLength(config.cycleLength())
                .withLockTimeout(config.lockTimeout())
                .withCompression(config.compression());
        if (config.compressionLevel().isPresent()) {
            options = options.withCompressionLevel(config.compressionLevel().getAsInt());
        }
        return new Engine(options);
    }

    /**
     * The off-site store of {@code backup.offsite.*} that restores and {@code fetch} read from, when a bucket is set;
     * the caller closes it.
     */
    public static Optional<OffsiteStore> offsiteStore(BackupConfig config) {
        return config.offsite().enabled() ? Optional.of(S3OffsiteStore.create(config.offsite())) : Optional.empty();
    }
}
