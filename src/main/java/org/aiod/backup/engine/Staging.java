package org.aiod.backup.engine;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The restore's staging directory and the swap that puts a verified tree in place. Both live inside the dataset
 * directory, the one place sure to be on the same file system when the dataset directory is a mount point; the
 * dataset directory itself is never renamed or removed. Every step is a rename, and the directory names record how
 * far a swap got, so that a run killed half-way is completed by the next run on the dataset.
 *
 * <pre>
 * .aiod-restore-ID   staging, not verified yet        -> deleted by recovery
 * .aiod-swap-ID      staged and verified              -> recovery completes the swap
 * .aiod-old-ID       old content being moved aside    -> recovery moves the rest aside and completes the swap
 * .aiod-trash-ID     old content, all moved aside     -> deleted once the staged tree is in place
 * </pre>
 */
final class Staging {

    private static final String RESTORE = ".aiod-restore-";
    private static final String SWAP = ".aiod-swap-";
    private static final String OLD = ".aiod-old-";
    private static final String TRASH = ".aiod-trash-";

    private Staging() {
    }

    static Path create(Path datasetDir) throws IOException {
        return Files.createDirectory(datasetDir.resolve(RESTORE + UUID.randomUUID()));
    }

    /** Replaces the content of {@code datasetDir} with the verified tree in {@code staging}. */
    static void swap(Path datasetDir, Path staging, ProgressListener listener) throws IOException {
        if (!Files.isDirectory(staging, LinkOption.NOFOLLOW_LINKS)) {
            // never follow a symlink out of the dataset, whatever put it there
            throw new BackupException.UnsafeMember("staging directory " + staging + " is no longer a directory");
        }
        String id = staging.getFileName().toString().substring(RESTORE.length());
        Files.move(staging, datasetDir.resolve(SWAP + id), StandardCopyOption.ATOMIC_MOVE);
        FileOps.syncDirectory(datasetDir);
        completeSwap(datasetDir, id, listener);
    }

    /** Completes or discards what a killed restore left in {@code datasetDir}. */
    static void recover(Path datasetDir) throws IOException {
        if (!Files.isDirectory(datasetDir)) {
            return;
        }
        for (Path entry : internalEntries(datasetDir)) {
            String name = entry.getFileName().toString();
            if (name.startsWith(SWAP) && Files.exists(entry, LinkOption.NOFOLLOW_LINKS)) {
                completeSwap(datasetDir, name.substring(SWAP.length()), ProgressListener.NONE);
            }
        }
        for (Path entry : internalEntries(datasetDir)) {
            String name = entry.getFileName().toString();
            if (name.startsWith(OLD)) {
                // no swap directory goes with it: a swap that failed before it moved anything in; put it back
                moveAll(entry, datasetDir);
                Files.delete(entry);
            } else {
                FileOps.deleteRecursively(entry);
            }
        }
    }

    private static void completeSwap(Path datasetDir, String id, ProgressListener listener) throws IOException {
        Path swap = datasetDir.resolve(SWAP + id);
        Path old = datasetDir.resolve(OLD + id);
        Path trash = datasetDir.resolve(TRASH + id);
        if (!Files.exists(trash, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(old);
            for (Path entry : contentEntries(datasetDir)) {
                Files.move(entry, old.resolve(entry.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(old, trash, StandardCopyOption.ATOMIC_MOVE);
            FileOps.syncDirectory(datasetDir);
        }
        listener.phase(Phase.OLD_CONTENT_MOVED);
        moveAll(swap, datasetDir);
        Files.delete(swap);
        FileOps.syncDirectory(datasetDir);
        listener.phase(Phase.SWAPPED);
        FileOps.deleteRecursively(trash);
    }

    private static void moveAll(Path from, Path to) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(from)) {
            for (Path entry : entries) {
                Files.move(entry, to.resolve(entry.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            }
        }
    }

    /** The dataset's own entries: everything but the restore's working directories. */
    private static List<Path> contentEntries(Path datasetDir) throws IOException {
        List<Path> content = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(datasetDir)) {
            for (Path entry : entries) {
                if (!Archiver.INTERNAL_ENTRY.matcher(entry.getFileName().toString()).matches()) {
                    content.add(entry);
                }
            }
        }
        return content;
    }

    private static List<Path> internalEntries(Path datasetDir) throws IOException {
        List<Path> internal = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(datasetDir)) {
            for (Path entry : entries) {
                if (Archiver.INTERNAL_ENTRY.matcher(entry.getFileName().toString()).matches()) {
                    internal.add(entry);
                }
            }
        }
        return internal;
    }
}
