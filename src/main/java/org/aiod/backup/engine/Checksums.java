package org.aiod.backup.engine;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * A cycle's {@code SHA256SUMS}, in the format of {@code sha256sum}: {@code <64 hex>  <file>} per line, so that
 * {@code sha256sum -c SHA256SUMS} verifies a cycle by hand.
 */
final class Checksums {

    private Checksums() {
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    /** File name to lower-case hex checksum; empty when the file does not exist. */
    static Map<String, String> read(Path file) throws IOException {
        Map<String, String> sums = new TreeMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.length() < 67 || line.charAt(64) != ' ') {
                    continue;
                }
                String name = line.substring(66);
                sums.put(name, line.substring(0, 64).toLowerCase(java.util.Locale.ROOT));
            }
        } catch (NoSuchFileException e) {
            return sums;
        }
        return sums;
    }

    /** Atomically replaces {@code file} with {@code sums}, lines ordered by {@code order}. */
    static void write(Path file, Map<String, String> sums, java.util.Comparator<String> order, Path tmpDir)
            throws IOException {
        StringBuilder text = new StringBuilder();
        sums.keySet().stream().sorted(order)
                .forEach(name -> text.append(sums.get(name)).append("  ").append(name).append('\n'));
        FileOps.writeAtomically(file, tmpDir, out -> out.write(text.toString().getBytes(StandardCharsets.UTF_8)));
    }

    interface Content {
        void writeTo(OutputStream out) throws IOException;
    }
}
