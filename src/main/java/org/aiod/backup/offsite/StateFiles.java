package org.aiod.backup.offsite;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Properties;

/**
 * The off-site bookkeeping's files: one small properties file per thing (a level's upload, a cycle's deletion) in
 * {@code <state-dir>/offsite/<dataset>/}, written whole and durably, and read back dataset by dataset. Shared by
 * {@link OffsiteStates} and {@link OffsiteDeletions}, which differ only in their file names and in what they do
 * with a file they cannot read.
 */
final class StateFiles {

    /** What to do with each file found; a parse failure thrown here counts as unreadable. */
    interface Found {
        void read(Path file, Properties properties);
    }

    /** What to do with a file that cannot be read or understood. */
    interface Unreadable {
        void unreadable(Path file, Exception failure);
    }

    private StateFiles() {
    }

    /**
     * Writes {@code properties} as {@code file}: a temporary file beside it, synced, renamed over it, then the
     * directory synced, so that after a crash the file is either the old one or the new one, and the rename itself
     * survives.
     */
    static void write(Path file, Properties properties) throws IOException {
        Path dir = file.getParent();
        Files.createDirectories(dir);
        Path temp = dir.resolve("." + file.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
            properties.store(w, null);
        }
        try (FileChannel c = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            c.force(true);
        }
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    /**
     * Reads every file matching {@code glob} in each dataset's directory under {@code directory} (none when it does
     * not exist). A file removed between the listing and its read (by another process) is skipped silently; one
     * that cannot be read or that {@code found} cannot understand goes to {@code unreadable}.
     *
     * @throws UncheckedIOException when a directory itself cannot be listed
     */
    static void readAll(Path directory, String glob, Found found, Unreadable unreadable) {
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (DirectoryStream<Path> datasets = Files.newDirectoryStream(directory, Files::isDirectory)) {
            for (Path dataset : datasets) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(dataset, glob)) {
                    for (Path file : files) {
                        Properties properties = new Properties();
                        try {
                            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                                properties.load(r);
                            }
                            found.read(file, properties);
                        } catch (NoSuchFileException e) {
                            // done by another process between the listing and the read
                        } catch (IOException | RuntimeException e) {
                            unreadable.unreadable(file, e);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the off-site files in " + directory, e);
        }
    }
}
