package org.aiod.backup.engine;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.UUID;

/** Durable file operations: write-then-rename, fsync of files and directories, recursive deletion. */
final class FileOps {

    private FileOps() {
    }

    /** Writes {@code target} under a temporary name in {@code tmpDir}, syncs it, renames it into place. */
    static void writeAtomically(Path target, Path tmpDir, Checksums.Content content) throws IOException {
        Files.createDirectories(tmpDir);
        Path tmp = tmpDir.resolve(UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream out = Channels.newOutputStream(channel);
                content.writeTo(out);
                out.flush();
                channel.force(true);
            }
            commit(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Renames a synced temporary file to its final name and syncs the directory entry. */
    static void commit(Path tmp, Path target) throws IOException {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(target.getParent());
    }

    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /**
     * Deletes a tree without following symlinks; a missing path is fine. Returns the number of entries deleted.
     * Where the platform offers it (Linux), every step is taken relative to an open directory and opens
     * sub-directories with {@code O_NOFOLLOW}, so a directory swapped for a symlink while the tree is being deleted
     * cannot lead the deletion out of the tree.
     */
    static long deleteRecursively(Path root) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(root, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return 0;
        }
        if (!attributes.isDirectory()) {
            return Files.deleteIfExists(root) ? 1 : 0;
        }
        Path absolute = root.toAbsolutePath();
        Path parent = absolute.getParent();
        if (parent != null) {
            try (DirectoryStream<Path> parentStream = Files.newDirectoryStream(parent)) {
                if (parentStream instanceof SecureDirectoryStream<Path> secure) {
                    Path name = absolute.getFileName();
                    long count = deleteContents(secure, name);
                    try {
                        secure.deleteDirectory(name);
                        count++;
                    } catch (NoSuchFileException e) {
                        // removed meanwhile: what we were asked for
                    }
                    return count;
                }
            }
        }
        return deleteByWalking(root);
    }

    /** Deletes what is in {@code parent}'s sub-directory {@code name}, which is opened without following a link. */
    private static long deleteContents(SecureDirectoryStream<Path> parent, Path name) throws IOException {
        long count = 0;
        SecureDirectoryStream<Path> dir;
        try {
            dir = parent.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return 0;
        }
        // a directory swapped for a symlink meanwhile fails to open (O_NOFOLLOW): an error, never a way out
        try (dir) {
            for (Path entry : dir) {
                Path child = entry.getFileName();
                BasicFileAttributes attributes;
                try {
                    attributes = dir.getFileAttributeView(child, BasicFileAttributeView.class,
                            LinkOption.NOFOLLOW_LINKS).readAttributes();
                } catch (NoSuchFileException e) {
                    continue;
                }
                try {
                    if (attributes.isDirectory()) {
                        count += deleteContents(dir, child);
                        dir.deleteDirectory(child);
                    } else {
                        dir.deleteFile(child);
                    }
                    count++;
                } catch (NoSuchFileException e) {
                    // gone meanwhile
                }
            }
        }
        return count;
    }

    /** The portable fallback: a walk that does not follow symlinks. */
    private static long deleteByWalking(Path root) throws IOException {
        long[] count = {0};
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                count[0]++;
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw exc;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null && !(exc instanceof NoSuchFileException)) {
                    throw exc;
                }
                Files.deleteIfExists(dir);
                count[0]++;
                return FileVisitResult.CONTINUE;
            }
        });
        return count[0];
    }

    /** Translates an I/O failure into the engine's error kinds, naming what was being done. */
    static BackupException translate(IOException e, String doing) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("No space left on device") || message.contains("Disk quota exceeded")) {
            return new BackupException.DiskFull(doing + ": no space left on device", e);
        }
        if (e instanceof AccessDeniedException || message.contains("Read-only file system")) {
            String path = e instanceof FileSystemException fse ? fse.getFile() : message;
            return new BackupException.NotWritable(doing + ": permission denied on " + path, e);
        }
        return new BackupException.IoFailure(doing + ": " + e, e);
    }
}
