package org.aiod.backup.engine.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * File names as the bytes they are, for tests, through public JDK API only (independent of the engine's own code):
 * a {@code file:} URI carries a path's bytes as {@code %XX}, and {@link Path#of(URI)} takes them back exactly.
 * {@link Path#toString()} would decode a name that is not UTF-8 lossily (U+FFFD), and a {@code String} cannot name
 * such a file.
 */
public final class RawNames {

    private RawNames() {
    }

    /** The bytes of {@code path} (made absolute). */
    public static byte[] bytes(Path path) {
        String raw = path.toAbsolutePath().toUri().getRawPath();
        int end = raw.length() > 1 && raw.endsWith("/") ? raw.length() - 1 : raw.length();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < end; i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                out.write(Integer.parseInt(raw, i + 1, i + 3, 16));
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    /** The bytes of {@code path} below {@code root}, '/'-separated, without a leading '/'. */
    public static byte[] relativeBytes(Path root, Path path) {
        byte[] base = bytes(root);
        byte[] full = bytes(path);
        return Arrays.copyOfRange(full, Math.min(full.length, base.length + 1), full.length);
    }

    /** The target of a symlink, exactly. */
    public static byte[] linkTarget(Path link) throws IOException {
        Path target = Files.readSymbolicLink(link);
        if (target.isAbsolute()) {
            return bytes(target);
        }
        // a relative path's URI is of its absolute form: cut the working directory off again
        return relativeBytes(Path.of("").toAbsolutePath(), target);
    }

    /** {@code dir}'s child named by exactly these bytes (an absolute path). */
    public static Path resolve(Path dir, byte[] name) {
        byte[] base = bytes(dir);
        byte[] full = Arrays.copyOf(base, base.length + 1 + name.length);
        full[base.length] = '/';
        System.arraycopy(name, 0, full, base.length + 1, name.length);
        return path(full);
    }

    /** The path of exactly these bytes, absolute ('/' first) or relative. */
    public static Path path(byte[] bytes) {
        boolean absolute = bytes.length > 0 && bytes[0] == '/';
        StringBuilder uri = new StringBuilder(absolute ? "file://" : "file:///");
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '/' || c == '.') {
                uri.append((char) c);
            } else {
                uri.append('%').append(String.format("%02X", c));
            }
        }
        try {
            Path path = Path.of(new URI(uri.toString()));
            return absolute ? path : path.subpath(0, path.getNameCount());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /**
     * Text for a name's bytes: the name itself when it is valid UTF-8, otherwise every byte from 0x80 up as
     * {@code \ooo} (octal) and a backslash as {@code \\}, so that names compare as their bytes do.
     */
    public static String text(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            StringBuilder text = new StringBuilder();
            for (byte b : bytes) {
                int c = b & 0xff;
                if (c >= 0x80) {
                    text.append('\\').append(Integer.toOctalString(c));
                } else if (c == '\\') {
                    text.append("\\\\");
                } else {
                    text.append((char) c);
                }
            }
            return text.toString();
        }
    }

    /** The bytes of {@code text} followed by {@code more}: e.g. {@code name("\u00e9t", 0xE9)}. */
    public static byte[] name(String text, int... more) {
        byte[] head = text.getBytes(StandardCharsets.UTF_8);
        byte[] all = Arrays.copyOf(head, head.length + more.length);
        for (int i = 0; i < more.length; i++) {
            all[head.length + i] = (byte) more[i];
        }
        return all;
    }
}
