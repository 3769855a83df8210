package org.aiod.backup.engine.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Builds and manipulates directory trees for tests. Nothing here follows symlinks.
 *
 * <h2>Timestamps between a backup and the next mutation</h2>
 *
 * GNU tar (and the engine, which follows its rule) leaves a file of a known directory out of level N only when both
 * its mtime and its ctime are strictly older than the start time T recorded in the snapshot by the run that
 * wrote level N-1, compared with nanoseconds. A test mutates the tree after a backup returned, so the mutation's
 * ctime is "now", which is after T: no sleeping to the next second is needed, and setting an mtime back into the
 * past (as {@link ChangeScenario} does) cannot hide a change because ctime cannot be set back. (A writer may record a T
 * earlier than its real start, as a safety margin; that only makes later levels hold more files, never fewer.)
 *
 * <p>One caveat, observed on this machine: the kernel stamps files from a coarse clock that lags the wall clock
 * ({@code clock_gettime(CLOCK_REALTIME)}, which both tar and {@link Instant#now()} read) by up to a scheduler tick
 * (about 6 ms was seen; 2 writes in 2000 got a timestamp earlier than an {@code Instant.now()} taken just before
 * them). A fast incremental backup followed at once by a mutation can therefore give the mutation a ctime earlier
 * than T, and the change is silently missed by the next level — by GNU tar too. {@link #tick(Path)} waits (a few
 * milliseconds at most) until the file system's clock has passed the moment it was called; call it after every
 * backup and before the next mutation.
 */
public final class Trees {

    private Trees() {
    }

    /** Writes {@code content} as UTF-8, creating parent directories. */
    public static Path write(Path file, String content) throws IOException {
        return write(file, content.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@code content}, creating parent directories and replacing an existing file. */
    public static Path write(Path file, byte[] content) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return Files.write(file, content);
    }

    /** Creates the symlink {@code link -> target} ({@code target} taken literally, usually relative). */
    public static Path symlink(Path link, String target) throws IOException {
        Path parent = link.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return Files.createSymbolicLink(link, Path.of(target));
    }

    public static Path mkdirs(Path dir) throws IOException {
        return Files.createDirectories(dir);
    }

    /** Sets the mtime of {@code path} itself (a symlink's own mtime, not its target's). */
    public static Path setMtime(Path path, long epochSeconds) throws IOException {
        Files.getFileAttributeView(path, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setTimes(FileTime.from(epochSeconds, TimeUnit.SECONDS), null, null);
        return path;
    }

    /** The mtime of {@code path} itself, in whole seconds. */
    public static long mtime(Path path) throws IOException {
        return Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS).toInstant().getEpochSecond();
    }

    /** Sets permissions given as {@code ls} spells them, e.g. {@code "rwxr-x---"}. */
    public static Path chmod(Path path, String permissions) throws IOException {
        return Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
    }

    /** Sets permissions given as octal bits, e.g. {@code 0640}. */
    public static Path chmod(Path path, int mode) throws IOException {
        return Files.setAttribute(path, "unix:mode", mode);
    }

    /** The permission bits of {@code path} itself, e.g. {@code 0644}. */
    public static int mode(Path path) throws IOException {
        return ((Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 07777;
    }

    /** {@code n} pseudo-random (incompressible) bytes, the same for the same seed. */
    public static byte[] randomBytes(long seed, int n) {
        byte[] bytes = new byte[n];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** The hex SHA-256 of a file's content, as {@code sha256sum} prints it. */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            for (int n; (n = in.read(buffer)) > 0;) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Deletes {@code path} and everything under it, without following symlinks; nothing to do if absent. */
    public static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                // A directory without write or search permission cannot be emptied (when not running as root).
                Set<PosixFilePermission> perms = EnumSet.copyOf(Files.getPosixFilePermissions(dir));
                if (perms.addAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                        PosixFilePermission.OWNER_EXECUTE))) {
                    Files.setPosixFilePermissions(dir, perms);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * Copies the tree {@code from} to {@code to} (created if needed), preserving modes, mtimes and symlinks (copied
     * as symlinks, never followed). Directory modes and mtimes are set after their content is copied.
     */
    public static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(target(dir));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path copy = target(file);
                if (attrs.isSymbolicLink()) {
                    Files.createSymbolicLink(copy, Files.readSymbolicLink(file));
                    Files.getFileAttributeView(copy, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                            .setTimes(attrs.lastModifiedTime(), null, null);
                } else {
                    Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Path copy = target(dir);
                Files.setAttribute(copy, "unix:mode", mode(dir));
                Files.setLastModifiedTime(copy, Files.getLastModifiedTime(dir, LinkOption.NOFOLLOW_LINKS));
                return FileVisitResult.CONTINUE;
            }

            private Path target(Path p) {
                Path result = to;
                for (Path part : from.relativize(p)) {
                    result = result.resolve(part.toString());
                }
                return result;
            }
        });
    }

    /**
     * Waits until a file written now under {@code scratchDir} gets a timestamp strictly after the wall-clock
     * instant of this call, so that whatever the caller changes next is stamped after the start of every run that
     * finished before the call (see the class comment). {@code scratchDir} must be on the same file system as the
     * tree and outside it: a probe file is written and deleted there. Takes at most a few milliseconds.
     */
    public static void tick(Path scratchDir) throws IOException {
        Instant now = Instant.now();
        Path probe = Files.createTempFile(scratchDir, ".tick-", ".probe");
        try {
            for (int i = 0; ; i++) {
                Files.write(probe, new byte[] {(byte) i});
                if (Files.getLastModifiedTime(probe).toInstant().isAfter(now)) {
                    return;
                }
                if (i > 10_000) {
                    throw new IOException("the file system clock under " + scratchDir + " does not advance");
                }
                Thread.sleep(1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            Files.deleteIfExists(probe);
        }
    }
}
