package org.aiod.backup.engine.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes a gzip file whose content is {@code head}, then {@code unit} repeated many times, then {@code tail}, without
 * compressing gigabytes: one megabyte of units is deflated once, on its own and ending with a sync flush, and that
 * piece is written as often as needed (independent deflate pieces that end at byte boundaries join into one valid
 * stream, as pigz's do). A 1.9 GiB tar header of zeros becomes a 2 MB file in a fraction of a second.
 */
public final class RepeatingGzip {

    private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};

    private RepeatingGzip() {
    }

    public static void write(Path file, byte[] head, byte[] unit, long repeats, byte[] tail) throws IOException {
        int perPiece = Math.max(1, (1 << 20) / unit.length);
        byte[] piece = new byte[perPiece * unit.length];
        for (int i = 0; i < perPiece; i++) {
            System.arraycopy(unit, 0, piece, i * unit.length, unit.length);
        }
        byte[] pieceDeflated = deflate(piece, piece.length, false);
        long pieces = repeats / perPiece;
        int rest = (int) (repeats % perPiece) * unit.length;
        CRC32 crc = new CRC32();
        long total = 0;
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            out.write(HEADER);
            out.write(deflate(head, head.length, false));
            crc.update(head);
            total += head.length;
            for (long i = 0; i < pieces; i++) {
                out.write(pieceDeflated);
                crc.update(piece);
                total += piece.length;
            }
            out.write(deflate(piece, rest, false));
            crc.update(piece, 0, rest);
            total += rest;
            out.write(deflate(tail, tail.length, true));
            crc.update(tail);
            total += tail.length;
            long value = crc.getValue();
            for (int i = 0; i < 4; i++) {
                out.write((int) (value >>> (8 * i)));
            }
            for (int i = 0; i < 4; i++) {
                out.write((int) (total >>> (8 * i)));
            }
        }
    }

    private static byte[] deflate(byte[] data, int length, boolean last) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        try {
            deflater.setInput(data, 0, length);
            if (last) {
                deflater.finish();
            }
            byte[] out = new byte[length + 1024];
            int size = 0;
            while (true) {
                if (size == out.length) {
                    out = Arrays.copyOf(out, out.length * 2);
                }
                int space = out.length - size;
                int n = last ? deflater.deflate(out, size, space) : deflater.deflate(out, size, space,
                        Deflater.SYNC_FLUSH);
                size += n;
                if (last ? deflater.finished() : n < space) {
                    break;
                }
            }
            return Arrays.copyOf(out, size);
        } finally {
            deflater.end();
        }
    }

    /** A 512-byte GNU tar header ({@code "ustar  \0"} magic) with a correct checksum. */
    public static byte[] tarHeader(String name, byte type, long size) {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, "0000644");
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 124, String.format("%011o", size));
        put(h, 136, String.format("%011o", 1_700_000_000L));
        h[156] = type;
        put(h, 257, "ustar  ");
        return withChecksum(h);
    }

    public static byte[] withChecksum(byte[] h) {
        Arrays.fill(h, 148, 156, (byte) ' ');
        int sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o", sum));
        h[155] = ' ';
        return h;
    }

    public static void put(byte[] h, int offset, String value) {
        byte[] bytes = value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        System.arraycopy(bytes, 0, h, offset, bytes.length);
    }

    /** Two zero records: the end of a tar archive. */
    public static byte[] end() {
        return new byte[1024];
    }

    public static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
