package org.aiod.backup.offsite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

/**
 * The off-site deletions a prune wrote down and the uploader has not done yet, one small properties file per cycle,
 * {@code <state-dir>/offsite/<dataset>/delete-<cycle>.properties}, written whole (temporary file, fsync, rename, the
 * directory synced) so that a deletion survives a crash or a restart until it is done. Written by a prune's thread
 * (new ones, and a killed prune's forgotten) and the uploader's (attempts, done): each file is written whole under
 * this object's lock.
 */
final class OffsiteDeletions {

    private static final Logger LOG = Logger.getLogger(OffsiteDeletions.class);

    private static final Comparator<OffsiteDeletion> ORDER = Comparator.comparing(OffsiteDeletion::dataset)
            .thenComparingLong(OffsiteDeletion::cycle);

    private final Path directory;
    private final Map<String, OffsiteDeletion> deletions = new ConcurrentHashMap<>();

    /** The deletions kept in {@code directory} ({@code <state-dir>/offsite}), loaded now. */
    OffsiteDeletions(Path directory) {
        this.directory = directory;
        load();
    }

    /** Every deletion not done yet, by dataset and cycle. */
    List<OffsiteDeletion> all() {
        return deletions.values().stream().sorted(ORDER).toList();
    }

    Optional<OffsiteDeletion> get(String dataset, long cycle) {
        return Optional.ofNullable(deletions.get(dataset + "/" + cycle));
    }

    synchronized void put(OffsiteDeletion deletion) throws IOException {
        Path file = file(deletion);
        Properties p = new Properties();
        p.setProperty("dataset", deletion.dataset());
        p.setProperty("cycle", Long.toString(deletion.cycle()));
        p.setProperty("scheduled", deletion.scheduled().toString());
        p.setProperty("attempts", Integer.toString(deletion.attempts()));
        if (deletion.nextAttempt() != null) {
            p.setProperty("nextAttempt", deletion.nextAttempt().toString());
        }
        if (deletion.reason() != null) {
            p.setProperty("reason", deletion.reason());
        }
        StateFiles.write(file, p); // durable, rename included, before the prune moves its cycle out
        deletions.put(deletion.id(), deletion);
    }

    /**
     * Updates a deletion the uploader tried, unless it was done or forgotten meanwhile (here, or by another process:
     * its file is gone).
     */
    synchronized void update(OffsiteDeletion deletion) throws IOException {
        if (deletions.containsKey(deletion.id()) && Files.exists(file(deletion))) {
            put(deletion);
        } else {
            deletions.remove(deletion.id());
        }
    }

    /**
     * Reads the files again: the deletions another process wrote down (a command-line prune while the service runs)
     * are taken, those done or forgotten by another are dropped. The set is replaced key by key, so that a reader
     * meanwhile never sees it empty.
     */
    synchronized void reload() {
        Map<String, OffsiteDeletion> onDisk = new java.util.HashMap<>();
        read(onDisk);
        deletions.keySet().retainAll(onDisk.keySet());
        deletions.putAll(onDisk);
    }

    synchronized void remove(OffsiteDeletion deletion) throws IOException {
        Files.deleteIfExists(file(deletion));
        deletions.remove(deletion.id());
    }

    private Path file(OffsiteDeletion deletion) {
        return directory.resolve(deletion.dataset()).resolve("delete-" + deletion.cycle() + ".properties");
    }

    private void load() {
        read(deletions);
    }

    /** The files not understood, logged once each rather than at every round. */
    private final java.util.Set<Path> unreadable = ConcurrentHashMap.newKeySet();

    private void read(Map<String, OffsiteDeletion> into) {
        StateFiles.readAll(directory, "delete-[0-9]*.properties", (file, p) -> {
            OffsiteDeletion d = deletion(p);
            into.put(d.id(), d);
            unreadable.remove(file);
        }, (file, e) -> {
            // never guessed: a deletion not understood is left for the operator, who sees it here
            if (unreadable.add(file)) {
                LOG.errorf("cannot read the off-site deletion %s (%s); its cycle is not deleted from"
                        + " the store until the file is fixed or removed", file, e.toString());
            }
        });
    }

    private static OffsiteDeletion deletion(Properties p) {
        String next = p.getProperty("nextAttempt");
        return new OffsiteDeletion(p.getProperty("dataset"), Long.parseLong(p.getProperty("cycle")),
                Instant.parse(p.getProperty("scheduled")), Integer.parseInt(p.getProperty("attempts", "0")),
                next == null ? null : Instant.parse(next), p.getProperty("reason"));
    }
}
