package org.aiod.backup.engine;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Reads tar members, including GNU dumpdir listings, from a decompressed stream. commons-compress reports a
 * {@code D} member whose name ends in '/' as a directory and then never consumes its data; this reader takes the
 * listing from the underlying stream itself, record-aligned, which is where commons-compress will look for the next
 * header. The PAX form ({@code GNU.dumpdir} record on a directory) is read too.
 */
final class TarInput implements Closeable {

    enum Kind {
        /** A directory with its listing: GNU incremental semantics apply. */
        DUMPDIR,
        /** A directory without a listing (a plain, non-incremental archive). */
        DIRECTORY,
        FILE,
        SYMLINK,
        HARDLINK,
        /** FIFOs, devices and anything else that is skipped with a warning. */
        OTHER
    }

    /**
     * A member. {@code name} and {@code linkName} are the exact bytes of the archive as {@link Names} carries them
     * (from the header, a GNU long-name member or a PAX record); {@code linkName} is empty for other kinds.
     */
    record Member(Kind kind, TarArchiveEntry entry, String name, String linkName, byte[] listing) {
    }

    private static final int RECORD = TarConstants.DEFAULT_RCDSIZE;

    private final InputStream raw;
    private final ByteKeepingStream tar;

    TarInput(InputStream decompressed) {
        this.raw = decompressed;
        this.tar = new ByteKeepingStream(decompressed);
    }

    /**
     * Names are bytes. Told to use ISO-8859-1, commons-compress hands over header and GNU long names one character
     * per byte; PAX records, which it always decodes as UTF-8 (lossily, and a {@code hdrcharset=BINARY} name is not
     * UTF-8), are kept here as read, so that their values too are taken byte for byte.
     */
    private static final class ByteKeepingStream extends TarArchiveInputStream {
        private final java.io.ByteArrayOutputStream pax = new java.io.ByteArrayOutputStream();

        ByteKeepingStream(InputStream in) {
            super(in, StandardCharsets.ISO_8859_1.name());
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            TarArchiveEntry current = getCurrentEntry();
            if (n > 0 && current != null && (current.getLinkFlag() == TarConstants.LF_PAX_EXTENDED_HEADER_LC
                    || current.getLinkFlag() == TarConstants.LF_PAX_EXTENDED_HEADER_UC)) {
                pax.write(buffer, offset, n);
            }
            return n;
        }

        /** The next entry, and the raw records of the PAX header in front of it (empty if none). */
        TarArchiveEntry next(java.util.Map<String, byte[]> paxRecords) throws IOException {
            pax.reset();
            TarArchiveEntry entry = getNextEntry();
            paxRecords.clear();
            if (pax.size() > 0) {
                parsePax(pax.toByteArray(), paxRecords);
            }
            return entry;
        }

        /** {@code "<length> <keyword>=<value>\n"} records; values kept as bytes. Malformed ones are skipped. */
        private static void parsePax(byte[] data, java.util.Map<String, byte[]> records) {
            int i = 0;
            while (i < data.length) {
                int space = i;
                while (space < data.length && data[space] != ' ') {
                    space++;
                }
                int length;
                try {
                    length = Integer.parseInt(new String(data, i, space - i, StandardCharsets.US_ASCII));
                } catch (NumberFormatException e) {
                    return;
                }
                int end = i + length;
                if (length <= 0 || end > data.length || space >= end) {
                    return;
                }
                int equals = space + 1;
                while (equals < end && data[equals] != '=') {
                    equals++;
                }
                if (equals < end - 1) {
                    String keyword = new String(data, space + 1, equals - space - 1, StandardCharsets.UTF_8);
                    // the value runs to the record's closing newline
                    records.put(keyword, java.util.Arrays.copyOfRange(data, equals + 1, end - 1));
                }
                i = end;
            }
        }
    }

    private final java.util.Map<String, byte[]> paxRecords = new java.util.HashMap<>();

    private String name(TarArchiveEntry entry) {
        byte[] pax = paxRecords.get("path");
        return pax != null ? Names.decode(pax) : Names.fromLatin1(entry.getName());
    }

    private String linkName(TarArchiveEntry entry) {
        byte[] pax = paxRecords.get("linkpath");
        return pax != null ? Names.decode(pax) : Names.fromLatin1(entry.getLinkName());
    }

    /** The next member, or {@code null} after the last. */
    Member next() throws IOException {
        TarArchiveEntry entry = tar.next(paxRecords);
        if (entry == null) {
            return null;
        }
        String name = name(entry);
        byte flag = entry.getLinkFlag();
        if (flag == 'D') {
            return new Member(Kind.DUMPDIR, entry, name, "", readDumpDir(entry, name));
        }
        if (flag == TarConstants.LF_DIR || name.endsWith("/") && isPlain(flag)) {
            byte[] pax = paxRecords.get("GNU.dumpdir");
            if (pax != null) {
                return new Member(Kind.DUMPDIR, entry, name, "", withTerminator(pax));
            }
            return new Member(Kind.DIRECTORY, entry, name, "", null);
        }
        if (isPlain(flag) || flag == TarConstants.LF_CONTIG || flag == TarConstants.LF_GNUTYPE_SPARSE) {
            return new Member(Kind.FILE, entry, name, "", null);
        }
        if (flag == TarConstants.LF_SYMLINK) {
            return new Member(Kind.SYMLINK, entry, name, linkName(entry), null);
        }
        if (flag == TarConstants.LF_LINK) {
            return new Member(Kind.HARDLINK, entry, name, linkName(entry), null);
        }
        return new Member(Kind.OTHER, entry, name, "", null);
    }

    /** The content of the current file member. */
    InputStream content() {
        return tar;
    }

    private static boolean isPlain(byte flag) {
        return flag == TarConstants.LF_NORMAL || flag == TarConstants.LF_OLDNORM;
    }

    private byte[] readDumpDir(TarArchiveEntry entry, String name) throws IOException {
        long size = entry.getSize();
        if (size > Integer.MAX_VALUE - RECORD) {
            throw new IOException("listing of " + Names.shown(name) + " claims " + size + " bytes");
        }
        if (!entry.isDirectory()) {
            // commons-compress exposes the data of a D member whose name lacks the trailing '/'
            return withTerminator(tar.readAllBytes());
        }
        int padded = (int) ((size + RECORD - 1) / RECORD * RECORD);
        byte[] data = raw.readNBytes(padded);
        if (data.length < padded) {
            throw new EOFException("archive ends inside the listing of " + Names.shown(name));
        }
        byte[] listing = new byte[(int) size];
        System.arraycopy(data, 0, listing, 0, (int) size);
        return withTerminator(listing);
    }

    /** Listings always end with an empty entry; tolerate writers that omit it. */
    private static byte[] withTerminator(byte[] listing) {
        if (listing.length > 0 && listing[listing.length - 1] == 0
                && (listing.length == 1 || listing[listing.length - 2] == 0)) {
            return listing;
        }
        byte[] terminated = java.util.Arrays.copyOf(listing, listing.length + (listing.length > 0
                && listing[listing.length - 1] == 0 ? 1 : 2));
        return terminated;
    }

    @Override
    public void close() throws IOException {
        tar.close();
    }
}
