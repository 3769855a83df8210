package org.aiod.backup.engine;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * GNU tar's snapshot file, format 2 ({@code --listed-incremental}): the start time of the run that wrote it, then
 * one record per directory with its mtime, device, inode, name and listing. All numbers are decimal ASCII and every
 * field ends with a NUL; a record ends with an empty listing entry and one more NUL.
 */
final class SnapshotFile {

    /** The header line GNU tar 1.34 writes; readers accept any {@code GNU tar-<version>-2}. */
    static final String HEADER = "GNU tar-1.34-2\n";

    /** One directory of a snapshot. {@code name} is spelled as on tar's command line: {@code ./ds/sub}. */
    record Directory(boolean nfs, long mtimeSeconds, long mtimeNanos, long device, long inode, String name,
            byte[] listing) {
    }

    /** A whole snapshot held in memory: the previous level's, which every directory of the new one is judged by. */
    record Snapshot(Instant time, Map<String, Directory> directories) {
    }

    private SnapshotFile() {
    }

    static Snapshot read(Path file) throws IOException {
        try (Reader reader = new Reader(Files.newInputStream(file), file)) {
            Map<String, Directory> directories = new HashMap<>();
            Directory directory;
            while ((directory = reader.next()) != null) {
                directories.put(directory.name(), directory);
            }
            return new Snapshot(reader.time(), directories);
        }
    }

    /**
     * Reads records one at a time, so that a snapshot can drive a pass over the tree without being held whole.
     * Parses from its own buffer: a snapshot is read byte by byte, and the synchronized single-byte reads of the
     * JDK's buffered streams were most of the cost of an incremental with nothing changed.
     */
    static final class Reader implements Closeable {
        private final InputStream in;
        private final Path file;
        private final Instant time;
        private final byte[] buffer = new byte[1 << 16];
        private int position;
        private int limit;
        private byte[] field = new byte[256];
        private int fieldLength;

        Reader(InputStream in, Path file) throws IOException {
            this.in = in;
            this.file = file;
            String header = readLine();
            if (!header.startsWith("GNU tar-") || !header.endsWith("-2")) {
                throw new IOException(file + ": not a GNU tar snapshot file of format 2 (header '" + header + "')");
            }
            long seconds = Long.parseLong(readField(true));
            long nanos = Long.parseLong(readField(true));
            this.time = Instant.ofEpochSecond(seconds, nanos);
        }

        Instant time() {
            return time;
        }

        /** The next directory record, or {@code null} at the end of the file. */
        Directory next() throws IOException {
            String nfs = readField(false);
            if (nfs == null) {
                return null;
            }
            long mtimeSeconds = Long.parseLong(readField(true));
            long mtimeNanos = Long.parseLong(readField(true));
            long device = Long.parseLong(readField(true));
            long inode = Long.parseLong(readField(true));
            fill(true);
            String name = Names.decode(field, 0, fieldLength); // bytes, not necessarily UTF-8
            // the listing: entries "<code><name>\0" up to an empty one; kept as bytes, terminator included
            fieldLength = 0;
            while (true) {
                int start = fieldLength;
                if (!copyThroughNul()) {
                    throw new EOFException(file + ": snapshot ends inside the record of " + Names.shown(name));
                }
                if (fieldLength - start == 1) {
                    break; // the empty entry: the listing's end
                }
            }
            if (read() != 0) {
                throw new IOException(file + ": missing record terminator after " + Names.shown(name));
            }
            return new Directory("1".equals(nfs), mtimeSeconds, mtimeNanos, device, inode, name,
                    java.util.Arrays.copyOf(field, fieldLength));
        }

        private int read() throws IOException {
            if (position == limit) {
                int n = in.read(buffer, 0, buffer.length);
                if (n <= 0) {
                    return -1;
                }
                position = 0;
                limit = n;
            }
            return buffer[position++] & 0xff;
        }

        /** Appends bytes up to and including the next NUL, copying runs out of the buffer; false at end of file. */
        private boolean copyThroughNul() throws IOException {
            while (true) {
                if (position == limit) {
                    int n = in.read(buffer, 0, buffer.length);
                    if (n <= 0) {
                        return false;
                    }
                    position = 0;
                    limit = n;
                }
                int end = position;
                while (end < limit && buffer[end] != 0) {
                    end++;
                }
                boolean found = end < limit;
                int count = (found ? end + 1 : end) - position;
                if (fieldLength + count > ArchiveLimits.LISTING) {
                    throw new IOException(file + ": a listing longer than the limit of "
                            + ArchiveLimits.mib(ArchiveLimits.LISTING));
                }
                if (fieldLength + count > field.length) {
                    field = java.util.Arrays.copyOf(field, Math.max(field.length * 2, fieldLength + count));
                }
                System.arraycopy(buffer, position, field, fieldLength, count);
                fieldLength += count;
                position += count;
                if (found) {
                    return true;
                }
            }
        }

        private void append(int b) throws IOException {
            if (fieldLength == ArchiveLimits.NAME) {
                throw new IOException(file + ": a field longer than the limit of "
                        + ArchiveLimits.mib(ArchiveLimits.NAME));
            }
            if (fieldLength == field.length) {
                field = java.util.Arrays.copyOf(field, field.length * 2);
            }
            field[fieldLength++] = (byte) b;
        }

        private String readLine() throws IOException {
            fieldLength = 0;
            int b;
            while ((b = read()) >= 0 && b != '\n' && fieldLength <= 1024) {
                append(b);
            }
            return new String(field, 0, fieldLength, StandardCharsets.UTF_8);
        }

        /** A NUL-terminated field; at a clean end of file {@code null} unless {@code required}. */
        private String readField(boolean required) throws IOException {
            return fill(required) ? new String(field, 0, fieldLength, StandardCharsets.UTF_8) : null;
        }

        /** Reads a NUL-terminated field into {@code field}; false at a clean end of file. */
        private boolean fill(boolean required) throws IOException {
            fieldLength = 0;
            int b = read();
            if (b < 0) {
                if (required) {
                    throw new EOFException(file + ": snapshot file ends in the middle of a record");
                }
                return false;
            }
            while (b > 0) {
                append(b);
                b = read();
            }
            if (b < 0) {
                throw new EOFException(file + ": snapshot file ends in the middle of a field");
            }
            return true;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** Writes records as they are produced. */
    static final class Writer implements Closeable {
        private final OutputStream out;

        Writer(OutputStream out, Instant time) throws IOException {
            this.out = new BufferedOutputStream(out, 1 << 16);
            this.out.write(HEADER.getBytes(StandardCharsets.US_ASCII));
            field(Long.toString(time.getEpochSecond()));
            field(Long.toString(time.getNano()));
        }

        void write(Directory directory) throws IOException {
            field(directory.nfs() ? "1" : "0");
            field(Long.toString(directory.mtimeSeconds()));
            field(Long.toString(directory.mtimeNanos()));
            field(Long.toString(directory.device()));
            field(Long.toString(directory.inode()));
            // the name's exact bytes: a directory name need not be UTF-8
            out.write(Names.encode(directory.name()));
            out.write(0);
            // the listing already ends with the empty entry; the record then needs one more NUL
            out.write(directory.listing());
            out.write(0);
        }

        private void field(String value) throws IOException {
            out.write(value.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }

        void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
