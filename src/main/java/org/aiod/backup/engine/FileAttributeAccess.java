package org.aiod.backup.engine;

/**
 * How this JVM lets the engine read file attributes, for the service's start-up block. The fast path reads lstat's
 * ctime, inode and device from the JDK's own result ({@code java.base/sun.nio.fs} opened to the application: the
 * packaged jar's manifest does it for {@code java -jar}); the other one is the public attribute map, about half as
 * fast per file and otherwise the same (see {@link FileStat}).
 */
public final class FileAttributeAccess {

    private FileAttributeAccess() {
    }

    /** Whether the fast path is in use. */
    public static boolean fast() {
        return FileStat.fast();
    }

    /** One line saying which path is in use and, for the slower one, how to get the fast one. */
    public static String describe() {
        return fast() ? "lstat read directly (fast path)"
                : "through the public attribute API (about half as fast per file: this JVM does not open"
                        + " java.base/sun.nio.fs to the application; run the packaged jar with java -jar, or add"
                        + " --add-opens java.base/sun.nio.fs=ALL-UNNAMED)";
    }
}
