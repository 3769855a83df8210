package org.aiod.backup.offsite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

/**
 * The off-site state of every level, one small properties file per level,
 * {@code <state-dir>/offsite/<dataset>/<cycle>-<level>.properties}, written whole ({@link StateFiles#write}) so
 * that a restart finds each level as it was left: uploaded, or waiting with its attempts and next attempt. Read once
 * at start; the uploader's thread is the only writer.
 */
final class OffsiteStates {

    private static final Logger LOG = Logger.getLogger(OffsiteStates.class);

    private final Path directory;
    private final Map<String, OffsiteLevel> levels = new ConcurrentHashMap<>();

    /** The states kept in {@code directory} ({@code <state-dir>/offsite}), loaded now. */
    OffsiteStates(Path directory) {
        this.directory = directory;
        load();
    }

    Optional<OffsiteLevel> get(String dataset, long cycle, int level) {
        return Optional.ofNullable(levels.get(OffsiteLevel.id(dataset, cycle, level)));
    }

    Collection<OffsiteLevel> all() {
        return List.copyOf(levels.values());
    }

    void put(OffsiteLevel state) {
        Path file = directory.resolve(state.dataset()).resolve(state.cycle() + "-" + state.level() + ".properties");
        Properties p = new Properties();
        p.setProperty("dataset", state.dataset());
        p.setProperty("cycle", Long.toString(state.cycle()));
        p.setProperty("level", Integer.toString(state.level()));
        p.setProperty("status", state.status().name());
        p.setProperty("committed", state.committed().toString());
        p.setProperty("attempts", Integer.toString(state.attempts()));
        p.setProperty("bytes", Long.toString(state.bytes()));
        if (state.nextAttempt() != null) {
            p.setProperty("nextAttempt", state.nextAttempt().toString());
        }
        if (state.reason() != null) {
            p.setProperty("reason", state.reason());
        }
        if (state.uploaded() != null) {
            p.setProperty("uploaded", state.uploaded().toString());
        }
        try {
            StateFiles.write(file, p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the off-site state " + file, e);
        }
        levels.put(state.id(), state);
    }

    void remove(OffsiteLevel state) {
        try {
            Files.deleteIfExists(directory.resolve(state.dataset()).resolve(state.cycle() + "-" + state.level()
                    + ".properties"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the off-site state of " + state.id(), e);
        }
        levels.remove(state.id());
    }

    private void load() {
        StateFiles.readAll(directory, "[0-9]*.properties", (file, p) -> {
            OffsiteLevel state = level(p);
            levels.put(state.id(), state);
        }, (file, e) -> {
            // the level is found again by the next scan and uploaded anew: nothing is lost
            LOG.warnf("ignoring the unreadable off-site state %s (%s); its level is looked at again", file,
                    e.toString());
        });
    }

    private static OffsiteLevel level(Properties p) {
        return new OffsiteLevel(p.getProperty("dataset"), Long.parseLong(p.getProperty("cycle")),
                Integer.parseInt(p.getProperty("level")), OffsiteLevel.Status.valueOf(p.getProperty("status")),
                Instant.parse(p.getProperty("committed")), Integer.parseInt(p.getProperty("attempts", "0")),
                instant(p.getProperty("nextAttempt")), p.getProperty("reason"),
                Long.parseLong(p.getProperty("bytes", "0")), instant(p.getProperty("uploaded")));
    }

    private static Instant instant(String value) {
        return value == null ? null : Instant.parse(value);
    }
}
