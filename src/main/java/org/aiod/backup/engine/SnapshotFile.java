package org.aiod.backup.engine;

import java.io.BufferedInputStream;
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
        try (Reader reader = new Reader(new BufferedInputStream(Files.newInputStream(file), 1 << 16), file)) {
            Map<String, Directory> directories = new HashMap<>();
            Directory directory;
            while ((directory = reader.next()) != null) {
                directories.put(directory.name(), directory);
            }
            return new Snapshot(reader.time(), directories);
        }
    }

    /** Reads records one at a time, so that a snapshot can drive a pass over the tree without being held whole. */
    static final class Reader implements Closeable {
        private final InputStream in;
        private final Path file;
        private final Instant time;

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
            String name = readField(true);
            ByteArrayOutputStream listing = new ByteArrayOutputStream();
            while (true) {
                int first = in.read();
                if (first < 0) {
                    throw new EOFException(file + ": snapshot ends inside the record of " + name);
                }
                if (first == 0) {
                    break;
                }
                listing.write(first);
                int b;
                while ((b = in.read()) > 0) {
                    listing.write(b);
                }
                if (b < 0) {
                    throw new EOFException(file + ": snapshot ends inside the record of " + name);
                }
                listing.write(0);
            }
            listing.write(0);
            if (in.read() != 0) {
                throw new IOException(file + ": missing record terminator after " + name);
            }
            return new Directory("1".equals(nfs), mtimeSeconds, mtimeNanos, device, inode, name,
                    listing.toByteArray());
        }

        private String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                line.write(b);
                if (line.size() > 1024) {
                    break;
                }
            }
            return line.toString(StandardCharsets.UTF_8);
        }

        /** A NUL-terminated field; at a clean end of file {@code null} unless {@code required}. */
        private String readField(boolean required) throws IOException {
            ByteArrayOutputStream field = new ByteArrayOutputStream(32);
            int b = in.read();
            if (b < 0) {
                if (required) {
                    throw new EOFException(file + ": snapshot file ends in the middle of a record");
                }
                return null;
            }
            while (b > 0) {
                field.write(b);
                b = in.read();
            }
            if (b < 0) {
                throw new EOFException(file + ": snapshot file ends in the middle of a field");
            }
            return field.toString(StandardCharsets.UTF_8);
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
            field(directory.name());
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
