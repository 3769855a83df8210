package org.aiod.backup.engine;

import java.io.ByteArrayOutputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;

/**
 * File names are bytes. GNU tar archives them byte for byte, whatever the locale; Java's paths and strings are text.
 * The engine carries a name as a {@code String} that maps 1:1 to its bytes: valid UTF-8 decodes as usual (so every
 * such name is exactly the string it always was), and each byte that is not part of valid UTF-8 (always 0x80–0xFF)
 * becomes the lone surrogate {@code U+DC80 + (byte - 0x80)}, the scheme of Python's "surrogateescape" (PEP 383).
 * Valid UTF-8 never decodes to a lone surrogate, so the mapping is a bijection and strings compare, hash and split
 * on '/' as the bytes do. Such strings are never shown as they are: {@link #shown} escapes them.
 *
 * <p>At the file system the bytes are read from and given to {@link Path}s without decoding: through the JDK's
 * {@code sun.nio.fs.UnixPath} (needs {@code java.base/sun.nio.fs} opened to the application: the packaged jar's
 * manifest does it for {@code java -jar}, the tests pass {@code --add-opens}), otherwise through {@link Path#toUri()} and {@link Path#of(URI)}, whose round trip the JDK
 * guarantees and which carry raw bytes as {@code %XX}: slower (one more {@code stat}), and only taken for names that
 * are not valid UTF-8.
 */
public final class Names {

    private static final char ESCAPE_FIRST = '\uDC80';
    private static final char ESCAPE_LAST = '\uDCFF';

    private Names() {
    }

    // ---- bytes <-> name ----

    /** The name for {@code length} bytes at {@code offset}. */
    static String decode(byte[] bytes, int offset, int length) {
        String text = new String(bytes, offset, length, StandardCharsets.UTF_8);
        // U+FFFD: malformed input, or a name that really holds U+FFFD; either way the careful decoder decides
        return text.indexOf('\uFFFD') < 0 ? text : decodeExactly(bytes, offset, length);
    }

    static String decode(byte[] bytes) {
        return decode(bytes, 0, bytes.length);
    }

    /** The bytes of a name. */
    static byte[] encode(String name) {
        return hasEscapes(name) ? encodeExactly(name) : name.getBytes(StandardCharsets.UTF_8);
    }

    /** Whether a name holds bytes that are not valid UTF-8. */
    static boolean hasEscapes(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= ESCAPE_FIRST && c <= ESCAPE_LAST) {
                return true;
            }
        }
        return false;
    }

    /**
     * The name as a string of ISO-8859-1 characters, one per byte: how commons-compress, told to use ISO-8859-1,
     * writes and reads a name's exact bytes in headers and GNU long-name members.
     */
    static String toLatin1(String name) {
        return new String(encode(name), StandardCharsets.ISO_8859_1);
    }

    /** The inverse of {@link #toLatin1}. */
    static String fromLatin1(String latin1) {
        return decode(latin1.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Orders names by their bytes, unsigned, as GNU tar's {@code strcmp} does (code point order for UTF-8). */
    static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                if (ca >= ESCAPE_FIRST && ca <= ESCAPE_LAST || cb >= ESCAPE_FIRST && cb <= ESCAPE_LAST) {
                    return java.util.Arrays.compareUnsigned(encode(a), encode(b));
                }
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /**
     * A name as shown to people (API, console, logs, errors), in the manner of GNU tar's
     * {@code --quoting-style=escape}: a byte that is not part of valid UTF-8 as {@code \} and three octal digits
     * ({@code \351}), control characters as {@code \n}, {@code \t}, ... or octal, a backslash as {@code \\}. Every
     * other character, ASCII or not, as it is. Unambiguous: the bytes can be read back from what is shown.
     */
    public static String shown(String name) {
        StringBuilder out = null;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            String escape = escape(c);
            if (escape != null && out == null) {
                out = new StringBuilder(name.length() + 8).append(name, 0, i);
            }
            if (out != null) {
                if (escape != null) {
                    out.append(escape);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? name : out.toString();
    }

    /**
     * The name that {@link #shown} shows as {@code shown}: the inverse of {@link #shown}, so that a name read from
     * the API or the console can be given back. Escapes are {@code \\}, {@code \n}, {@code \t}, {@code \r},
     * {@code \f}, {@code \b}, {@code \a}, {@code \v} and a backslash with three octal digits (one byte); every
     * other character stands for its UTF-8 bytes. Bytes given as octal that form valid UTF-8 give the name of those
     * bytes, so {@code \303\251} and {@code é} are one name.
     *
     * @throws IllegalArgumentException for a backslash that starts no escape
     */
    static String fromShown(String shown) {
        if (shown.indexOf('\\') < 0) {
            return decode(shown.getBytes(StandardCharsets.UTF_8));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(shown.length());
        int i = 0;
        while (i < shown.length()) {
            char c = shown.charAt(i);
            if (c != '\\') {
                int end = i + Character.charCount(shown.codePointAt(i));
                bytes.writeBytes(shown.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end;
                continue;
            }
            if (i + 1 >= shown.length()) {
                throw new IllegalArgumentException("a backslash ends '" + shown + "'");
            }
            char e = shown.charAt(i + 1);
            int simple = switch (e) {
                case '\\' -> '\\';
                case 'n' -> '\n';
                case 't' -> '\t';
                case 'r' -> '\r';
                case 'f' -> '\f';
                case 'b' -> '\b';
                case 'a' -> 0x07;
                case 'v' -> 0x0B;
                default -> -1;
            };
            if (simple >= 0) {
                bytes.write(simple);
                i += 2;
            } else if (i + 3 < shown.length() && isOctal(e) && e <= '3' && isOctal(shown.charAt(i + 2))
                    && isOctal(shown.charAt(i + 3))) {
                bytes.write(Integer.parseInt(shown.substring(i + 1, i + 4), 8));
                i += 4;
            } else {
                throw new IllegalArgumentException("'\\" + e + "' in '" + shown + "' is no escape (write a backslash"
                        + " as \\\\, a byte as \\ and three octal digits)");
            }
        }
        return decode(bytes.toByteArray());
    }

    private static boolean isOctal(char c) {
        return c >= '0' && c <= '7';
    }

    private static String escape(char c) {
        if (c >= ESCAPE_FIRST && c <= ESCAPE_LAST) {
            return octal(c - ESCAPE_FIRST + 0x80);
        }
        return switch (c) {
            case '\\' -> "\\\\";
            case '\n' -> "\\n";
            case '\t' -> "\\t";
            case '\r' -> "\\r";
            case '\f' -> "\\f";
            case '\b' -> "\\b";
            case 0x07 -> "\\a";
            case 0x0B -> "\\v";
            default -> c < 0x20 || c == 0x7F ? octal(c) : null;
        };
    }

    private static String octal(int b) {
        return "\\" + (b >> 6 & 7) + (b >> 3 & 7) + (b & 7);
    }

    // ---- names <-> paths ----

    /** The name of a directory entry ({@code entry.getFileName()}, exactly). */
    static String fileName(Path entry) {
        String text = entry.getFileName().toString();
        // the JDK decodes with replacement: no U+FFFD means the bytes were valid UTF-8 and the text is exact
        if (text.indexOf('\uFFFD') < 0) {
            return text;
        }
        byte[] path = bytes(entry);
        int start = path.length;
        while (start > 0 && path[start - 1] != '/') {
            start--;
        }
        return decode(path, start, path.length - start);
    }

    /** A path as a name, exactly (a symlink's target). */
    static String pathName(Path path) {
        String text = path.toString();
        return text.indexOf('\uFFFD') < 0 ? text : decode(bytes(path));
    }

    /** {@code dir.resolve(rel)} with {@code rel}'s exact bytes ({@code rel} is relative, '/'-separated). */
    static Path resolve(Path dir, String rel) {
        return hasEscapes(rel) ? dir.resolve(path(encode(rel))) : dir.resolve(rel);
    }

    /** The path of a name, exactly ({@link Path#of} when the name is valid UTF-8). */
    static Path path(String name) {
        return hasEscapes(name) ? path(encode(name)) : Path.of(name);
    }

    /** Whether paths are converted through the JDK's own fields rather than through URIs. */
    static boolean direct() {
        return Direct.AVAILABLE;
    }

    static byte[] bytes(Path path) {
        return Direct.AVAILABLE ? Direct.bytes(path) : ViaUri.bytes(path);
    }

    static Path path(byte[] bytes) {
        return Direct.AVAILABLE ? Direct.path(bytes) : ViaUri.path(bytes);
    }

    /** The JDK's {@code UnixPath}: it holds the bytes, and has a constructor taking them. */
    private static final class Direct {
        static final boolean AVAILABLE;
        private static final MethodHandle AS_BYTES;
        private static final MethodHandle CONSTRUCT;
        private static final FileSystem FILE_SYSTEM = FileSystems.getDefault();

        static {
            MethodHandle asBytes = null;
            MethodHandle construct = null;
            boolean available;
            try {
                Class<?> unixPath = Class.forName("sun.nio.fs.UnixPath");
                Class<?> unixFileSystem = Class.forName("sun.nio.fs.UnixFileSystem");
                MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(unixPath, MethodHandles.lookup());
                asBytes = lookup.findVirtual(unixPath, "asByteArray", MethodType.methodType(byte[].class))
                        .asType(MethodType.methodType(byte[].class, Path.class));
                construct = lookup.findConstructor(unixPath,
                        MethodType.methodType(void.class, unixFileSystem, byte[].class))
                        .asType(MethodType.methodType(Path.class, FileSystem.class, byte[].class));
                Path probe = Path.of("/");
                available = unixPath.isInstance(probe) && unixFileSystem.isInstance(FILE_SYSTEM);
            } catch (ReflectiveOperationException | RuntimeException e) {
                available = false;
            }
            AVAILABLE = available;
            AS_BYTES = asBytes;
            CONSTRUCT = construct;
        }

        static byte[] bytes(Path path) {
            try {
                return ((byte[]) AS_BYTES.invokeExact(path)).clone();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        static Path path(byte[] bytes) {
            try {
                return (Path) CONSTRUCT.invokeExact(FILE_SYSTEM, bytes.clone());
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * The public way: a {@code file:} URI holds a path's bytes, {@code %XX} for all but a few ASCII characters. A
     * relative path's URI is of its absolute form (the working directory is cut off again), and a directory's ends
     * with '/' (dropped: a name never ends with one).
     */
    static final class ViaUri {
        private ViaUri() {
        }

        static byte[] bytes(Path path) {
            byte[] absolute = uriBytes(path.toUri());
            if (path.isAbsolute()) {
                return absolute;
            }
            byte[] base = uriBytes(Path.of("").toAbsolutePath().toUri());
            int prefix = base.length + (base[base.length - 1] == '/' ? 0 : 1);
            return java.util.Arrays.copyOfRange(absolute, Math.min(prefix, absolute.length), absolute.length);
        }

        static Path path(byte[] bytes) {
            boolean absolute = bytes.length > 0 && bytes[0] == '/';
            StringBuilder uri = new StringBuilder("file://").append(absolute ? "" : "/");
            for (byte b : bytes) {
                int c = b & 0xff;
                if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '/' || c == '.'
                        || c == '-' || c == '_') {
                    uri.append((char) c);
                } else {
                    uri.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
                }
            }
            Path path;
            try {
                path = Path.of(new URI(uri.toString()));
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(e);
            }
            return absolute ? path : path.subpath(0, path.getNameCount());
        }

        private static byte[] uriBytes(URI uri) {
            String raw = uri.getRawPath();
            int end = raw.length() > 1 && raw.endsWith("/") ? raw.length() - 1 : raw.length();
            ByteArrayOutputStream out = new ByteArrayOutputStream(end);
            for (int i = 0; i < end; i++) {
                char c = raw.charAt(i);
                if (c == '%' && i + 2 < end) {
                    out.write(Integer.parseInt(raw, i + 1, i + 3, 16));
                    i += 2;
                } else if (c < 0x80) {
                    out.write(c);
                } else {
                    out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                }
            }
            return out.toByteArray();
        }
    }

    // ---- the careful codec ----

    private static String decodeExactly(byte[] b, int offset, int length) {
        StringBuilder out = new StringBuilder(length);
        int i = offset;
        int end = offset + length;
        while (i < end) {
            int b0 = b[i] & 0xff;
            if (b0 < 0x80) {
                out.append((char) b0);
                i++;
                continue;
            }
            int need;
            int min;
            int cp;
            if (b0 >= 0xC2 && b0 <= 0xDF) {
                need = 1;
                min = 0x80;
                cp = b0 & 0x1F;
            } else if (b0 >= 0xE0 && b0 <= 0xEF) {
                need = 2;
                min = 0x800;
                cp = b0 & 0x0F;
            } else if (b0 >= 0xF0 && b0 <= 0xF4) {
                need = 3;
                min = 0x10000;
                cp = b0 & 0x07;
            } else {
                out.append((char) (ESCAPE_FIRST + b0 - 0x80));
                i++;
                continue;
            }
            boolean valid = i + need < end;
            for (int k = 1; valid && k <= need; k++) {
                int bk = b[i + k] & 0xff;
                if ((bk & 0xC0) != 0x80) {
                    valid = false;
                } else {
                    cp = cp << 6 | bk & 0x3F;
                }
            }
            // overlong forms, UTF-16 surrogates and code points past U+10FFFF are not valid UTF-8
            if (valid && cp >= min && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF)) {
                out.appendCodePoint(cp);
                i += need + 1;
            } else {
                out.append((char) (ESCAPE_FIRST + b0 - 0x80));
                i++;
            }
        }
        return out.toString();
    }

    private static byte[] encodeExactly(String name) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(name.length() + 8);
        int start = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            // a surrogate pair from a valid 4-byte sequence is never split: its low half may lie in the escape range
            if (Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
                i++;
                continue;
            }
            if (c >= ESCAPE_FIRST && c <= ESCAPE_LAST) {
                out.writeBytes(name.substring(start, i).getBytes(StandardCharsets.UTF_8));
                out.write(c - ESCAPE_FIRST + 0x80);
                start = i + 1;
            }
        }
        out.writeBytes(name.substring(start).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
