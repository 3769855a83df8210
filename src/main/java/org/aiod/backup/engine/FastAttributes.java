package org.aiod.backup.engine;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Path;

/**
 * Sets a restored entry's mtime and owner with one system call each, never following a symlink at the last
 * component: {@code lutimes} (utimensat with {@code AT_SYMLINK_NOFOLLOW}) and {@code lchown}, which GNU tar makes
 * too. The public API needs five calls for the time alone ({@code BasicFileAttributeView.setTimes} without following
 * links: lstat, open, fstat, futimens, close) and two lchown for an owner, which is most of the system calls of a
 * small file's restore. These are the JDK's own native calls ({@code sun.nio.fs.UnixNativeDispatcher}), reachable
 * when {@code java.base/sun.nio.fs} is opened to the application, as the packaged jar's manifest does for {@code java
 * -jar} ({@link FileStat} reads lstat the same way); without it, each method answers false and the caller takes the
 * public API.
 */
final class FastAttributes {

    private static final MethodHandle LUTIMES;
    private static final MethodHandle LCHOWN;
    private static final MethodHandle TRANSLATE;
    private static final Class<?> UNIX_PATH;
    private static final Class<?> UNIX_EXCEPTION;

    static {
        MethodHandle lutimes = null;
        MethodHandle lchown = null;
        MethodHandle translate = null;
        Class<?> unixPath = null;
        Class<?> unixException = null;
        try {
            Class<?> dispatcher = Class.forName("sun.nio.fs.UnixNativeDispatcher");
            unixPath = Class.forName("sun.nio.fs.UnixPath");
            unixException = Class.forName("sun.nio.fs.UnixException");
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(dispatcher, MethodHandles.lookup());
            boolean supported = (boolean) lookup.findStatic(dispatcher, "lutimesSupported",
                    MethodType.methodType(boolean.class)).invokeExact();
            if (supported && unixPath.isInstance(Path.of("/"))) {
                lutimes = lookup.findStatic(dispatcher, "lutimes",
                        MethodType.methodType(void.class, unixPath, long.class, long.class))
                        .asType(MethodType.methodType(void.class, Path.class, long.class, long.class));
                lchown = lookup.findStatic(dispatcher, "lchown",
                        MethodType.methodType(void.class, unixPath, int.class, int.class))
                        .asType(MethodType.methodType(void.class, Path.class, int.class, int.class));
                translate = MethodHandles.privateLookupIn(unixException, MethodHandles.lookup())
                        .findVirtual(unixException, "translateToIOException",
                                MethodType.methodType(IOException.class, String.class, String.class))
                        .asType(MethodType.methodType(IOException.class, Throwable.class, String.class,
                                String.class));
            }
        } catch (Throwable e) {
            // no access (sun.nio.fs not opened) or another JDK: the public API it is
            lutimes = null;
            lchown = null;
            translate = null;
        }
        LUTIMES = lutimes;
        LCHOWN = lchown;
        TRANSLATE = translate;
        UNIX_PATH = unixPath;
        UNIX_EXCEPTION = unixException;
    }

    private FastAttributes() {
    }

    /** Whether the single-call path is in use. */
    static boolean available() {
        return LUTIMES != null;
    }

    /**
     * Sets {@code path}'s mtime to {@code mtimeSeconds} and its atime to now, the symlink itself when it is one;
     * false when the fast path is not available (nothing done then).
     */
    static boolean setMtime(Path path, long mtimeSeconds) throws IOException {
        if (LUTIMES == null || !UNIX_PATH.isInstance(path)) {
            return false;
        }
        try {
            LUTIMES.invokeExact(path, System.currentTimeMillis() * 1000, mtimeSeconds * 1_000_000);
        } catch (Throwable e) {
            throw rethrown(e, path);
        }
        return true;
    }

    /** Sets {@code path}'s owner, the symlink itself when it is one; false when the fast path is not available. */
    static boolean setOwner(Path path, int uid, int gid) throws IOException {
        if (LCHOWN == null || !UNIX_PATH.isInstance(path)) {
            return false;
        }
        try {
            LCHOWN.invokeExact(path, uid, gid);
        } catch (Throwable e) {
            throw rethrown(e, path);
        }
        return true;
    }

    private static IOException rethrown(Throwable e, Path path) {
        if (e instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (e instanceof Error error) {
            throw error;
        }
        if (UNIX_EXCEPTION.isInstance(e)) {
            try {
                return (IOException) TRANSLATE.invokeExact(e, path.toString(), (String) null);
            } catch (Throwable translating) {
                return new IOException(path + ": " + e.getMessage(), e);
            }
        }
        return new IOException(path + ": " + e, e);
    }
}
