package org.aiod.backup.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.aiod.backup.engine.testing.RawNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The byte-exact name carrier ({@link Names}): codec, order, display, and both ways of reaching the bytes. */
class NamesTest {

    @TempDir
    Path tmp;

    @Test
    void everyByteSequenceRoundTrips() {
        Random random = new Random(8);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(12)];
            for (int k = 0; k < bytes.length; k++) {
                // mostly high bytes, so that valid and invalid sequences of every length mix
                bytes[k] = (byte) (random.nextInt(4) == 0 ? 'a' + random.nextInt(26) : 0x80 + random.nextInt(128));
            }
            String name = Names.decode(bytes);
            assertArrayEquals(bytes, Names.encode(name), () -> "round trip of " + Arrays.toString(bytes));
            assertEquals(name, Names.fromLatin1(Names.toLatin1(name)), "through ISO-8859-1");
        }
    }

    @Test
    void validUtf8IsTheUsualString() {
        for (String text : List.of("plain", "caf\u00e9", "\u65e5\u672c", "emoji \uD83D\uDE80 and \uD83D\uDE00",
                "replacement \uFFFD char")) {
            assertEquals(text, Names.decode(text.getBytes(StandardCharsets.UTF_8)));
            assertFalse(Names.hasEscapes(text), text);
            assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), Names.encode(text));
        }
        // U+1F680's low surrogate lies in the escape range: it must stay part of its pair
        String rocketThenByte = Names.decode(RawNames.name("\uD83D\uDE80", 0xE9));
        assertArrayEquals(RawNames.name("\uD83D\uDE80", 0xE9), Names.encode(rocketThenByte));
        // overlong forms and encoded surrogates are not UTF-8: kept as bytes
        for (byte[] invalid : List.of(RawNames.name("", 0xC0, 0xAF), RawNames.name("", 0xED, 0xA0, 0x80),
                RawNames.name("", 0xF4, 0x90, 0x80, 0x80))) {
            String name = Names.decode(invalid);
            assertTrue(Names.hasEscapes(name), Arrays.toString(invalid));
            assertArrayEquals(invalid, Names.encode(name));
        }
    }

    @Test
    void namesSortByTheirBytes() {
        Random random = new Random(1);
        List<byte[]> all = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            byte[] bytes = new byte[1 + random.nextInt(4)];
            for (int k = 0; k < bytes.length; k++) {
                bytes[k] = (byte) (random.nextBoolean() ? 'a' + random.nextInt(3) : 0x80 + random.nextInt(128));
            }
            all.add(bytes);
        }
        all.add("\u00e9".getBytes(StandardCharsets.UTF_8));
        all.add("\uD83D\uDE80".getBytes(StandardCharsets.UTF_8));
        for (byte[] a : all) {
            for (byte[] b : all.subList(0, 200)) {
                assertEquals(Integer.signum(Arrays.compareUnsigned(a, b)),
                        Integer.signum(Names.compare(Names.decode(a), Names.decode(b))),
                        () -> Arrays.toString(a) + " vs " + Arrays.toString(b));
            }
        }
    }

    @Test
    void shownLikeGnuTarsEscapeStyle() {
        assertEquals("\\351t\\351", Names.shown(Names.decode(RawNames.name("", 0xE9, 't', 0xE9))));
        assertEquals("caf\u00e9/\\377", Names.shown(Names.decode(RawNames.name("caf\u00e9/", 0xFF))));
        assertEquals("a\\\\b\\nc\\td\\001", Names.shown("a\\b\nc\td\u0001"));
        String plain = "plain caf\u00e9";
        assertTrue(plain == Names.shown(plain), "a name with nothing to escape is shown as it is");
    }

    @Test
    void bothWaysToThePathBytesAgree() throws Exception {
        assertTrue(Names.direct(), "the tests, like the jar, run with --add-opens java.base/sun.nio.fs");
        byte[] name = RawNames.name("d-", 0xE9, '%', ' ', 0xFF);
        Path file = Files.writeString(RawNames.resolve(tmp, name), "x");
        Path listed;
        try (var entries = Files.newDirectoryStream(tmp)) {
            listed = entries.iterator().next();
        }
        assertArrayEquals(RawNames.bytes(file), Names.bytes(listed), "direct");
        assertArrayEquals(RawNames.bytes(file), Names.ViaUri.bytes(listed), "via URI");
        assertEquals(Names.decode(name), Names.fileName(listed));

        for (byte[] bytes : List.of(RawNames.bytes(file), RawNames.name("../", 0xE9, '/', 'x'), name)) {
            Path direct = Names.path(bytes);
            Path viaUri = Names.ViaUri.path(bytes);
            assertEquals(direct, viaUri, Arrays.toString(bytes));
            assertArrayEquals(bytes, Names.bytes(direct), "direct: " + Arrays.toString(bytes));
            assertArrayEquals(bytes, Names.ViaUri.bytes(viaUri), "via URI: " + Arrays.toString(bytes));
        }
        assertEquals(file, Names.resolve(tmp, Names.decode(name)));
        assertEquals("x", Files.readString(Names.resolve(tmp, Names.decode(name))));
    }
}
