package org.aiod.backup.offsite;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
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
 * {@code <state-dir>/offsite/<dataset>/<cycle>-<level>.properties}, written whole (temporary file, fsync, rename) so
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
        Path dir = directory.resolve(state.dataset());
        Path file = dir.resolve(state.cycle() + "-" + state.level() + ".properties");
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
            Files.createDirectories(dir);
            Path temp = dir.resolve("." + file.getFileName() + ".tmp");
            try (Writer w = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                p.store(w, null);
            }
            try (FileChannel c = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                c.force(true);
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
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
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (DirectoryStream<Path> datasets = Files.newDirectoryStream(directory, Files::isDirectory)) {
            for (Path dataset : datasets) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(dataset, "[0-9]*.properties")) {
                    for (Path file : files) {
                        try {
                            OffsiteLevel state = read(file);
                            levels.put(state.id(), state);
                        } catch (IOException | RuntimeException e) {
                            // the level is found again by the next scan and uploaded anew: nothing is lost
                            LOG.warnf("ignoring the unreadable off-site state %s (%s); its level is looked at again",
                                    file, e.toString());
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the off-site states in " + directory, e);
        }
    }

    private static OffsiteLevel read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
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
