package org.aiod.backup.engine;

import java.io.Closeable;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.tar.TarUtils;

/**
 * Reads tar members, including GNU dumpdir listings, from a decompressed stream. commons-compress reports a
 * {@code D} member whose name ends in '/' as a directory and then never consumes its data; this reader takes the
 * listing from the underlying stream itself, record-aligned, which is where commons-compress will look for the next
 * header. The PAX form ({@code GNU.dumpdir} record on a directory) is read too.
 *
 * <p>commons-compress reads long names, PAX headers and sparse maps into memory whatever size their headers
 * claim. This reader checks each claimed size against {@link ArchiveLimits} before commons-compress reads a byte of
 * it, and counts what is read between one member's data and the next member's, so that no archive can make it
 * allocate more than those limits.
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

    private final CountingInput raw;
    private final BoundedTarInputStream tar;

    TarInput(InputStream decompressed) {
        this.raw = new CountingInput(decompressed);
        this.tar = new BoundedTarInputStream(raw);
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

    /**
     * {@link #next()} of {@code archive}'s members, a read that fails (a bad header, an archive cut short) reported
     * as that archive's corruption.
     */
    Member next(Path archive) {
        try {
            return next();
        } catch (IOException | RuntimeException e) {
            throw corrupt(archive, e);
        }
    }

    /** What the engine says of an archive it cannot read, wherever reading it fails. */
    static BackupException.CorruptArchive corrupt(Path archive, Exception e) {
        return new BackupException.CorruptArchive(archive + " is corrupt or truncated: " + e.getMessage(), e);
    }

    /** The next member, or {@code null} after the last. */
    Member next() throws IOException {
        TarArchiveEntry entry = tar.nextEntry(paxRecords);
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

    /**
     * The listing of a {@code D} member, read into an array two bytes longer than the listing: those two NULs end
     * it for writers that omit the empty entry, and a listing is read up to its empty entry, never to its length.
     */
    private byte[] readDumpDir(TarArchiveEntry entry, String name) throws IOException {
        long size = entry.getSize();
        if (size > ArchiveLimits.LISTING) {
            throw new IOException("the listing of " + Names.shown(name) + " claims " + size
                    + " bytes, more than the limit of " + ArchiveLimits.mib(ArchiveLimits.LISTING));
        }
        byte[] listing = new byte[(int) size + 2];
        // commons-compress exposes the data of a D member whose name lacks the trailing '/'
        InputStream data = entry.isDirectory() ? raw : tar;
        if (data.readNBytes(listing, 0, (int) size) < size) {
            throw new EOFException("archive ends inside the listing of " + Names.shown(name));
        }
        if (entry.isDirectory()) {
            long padding = (RECORD - size % RECORD) % RECORD;
            if (raw.skipFully(padding) < padding) {
                throw new EOFException("archive ends inside the listing of " + Names.shown(name));
            }
        }
        return listing;
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

    /**
     * commons-compress's tar reader, watched while it reads the headers before a member: what it reads of a long
     * name or PAX header goes through {@link #read(byte[], int, int)}, where the size the header claims is checked
     * first; what it reads from the underlying stream itself (headers, old GNU sparse extension headers, a PAX 1.0
     * sparse map) is counted by {@link CountingInput}.
     */
    private static final class BoundedTarInputStream extends TarArchiveInputStream {
        /** Offset of the real size of an old GNU sparse member in its header. */
        private static final int REAL_SIZE = 483;
        private final CountingInput raw;
        private boolean readingHeaders;
        private TarArchiveEntry lastExtension;
        private int extensions;
        private long extensionBytes;
        private PaxRecords paxRecords = new PaxRecords();
        /** The raw bytes of the PAX extended header before the next member, within the PAX header limit. */
        private final java.io.ByteArrayOutputStream pax = new java.io.ByteArrayOutputStream();

        BoundedTarInputStream(CountingInput raw) {
            // names are bytes: told ISO-8859-1, commons-compress hands over header and GNU long names one character
            // per byte (PAX values, which it decodes as UTF-8 whatever they hold, are kept as read: see pax)
            super(raw, StandardCharsets.ISO_8859_1.name());
            this.raw = raw;
        }

        /** The next entry, and the raw records of the PAX extended header in front of it (empty if none). */
        TarArchiveEntry nextEntry(java.util.Map<String, byte[]> records) throws IOException {
            // the rest of the current member first, so that what is counted below is headers only (skip passes
            // over the holes of a sparse member without producing them)
            while (getCurrentEntry() != null && skip(Long.MAX_VALUE) > 0) {
                // skipped
            }
            readingHeaders = true;
            lastExtension = null;
            extensions = 0;
            extensionBytes = 0;
            pax.reset();
            records.clear();
            raw.startCounting(this);
            TarArchiveEntry entry;
            try {
                entry = getNextEntry();
            } finally {
                readingHeaders = false;
                raw.stopCounting();
            }
            if (pax.size() > 0) {
                parsePax(pax.toByteArray(), records);
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

        /** Bytes read from the underlying stream since the headers began that are not long names or PAX data. */
        long headerBytes(long rawBytes) {
            return rawBytes - extensionBytes;
        }

        @Override
        public int read(byte[] buf, int offset, int length) throws IOException {
            if (!readingHeaders) {
                return super.read(buf, offset, length);
            }
            TarArchiveEntry entry = getCurrentEntry();
            if (!isExtension(entry)) {
                // what is left of the previous member, skipped by commons-compress (already skipped: nothing)
                return super.read(buf, offset, length);
            }
            if (entry != lastExtension) {
                lastExtension = entry;
                if (++extensions > ArchiveLimits.EXTENSION_HEADERS) {
                    throw new IOException("more than " + ArchiveLimits.EXTENSION_HEADERS
                            + " extension headers (long names, PAX headers) before one member");
                }
                long limit = entry.isGNULongNameEntry() || entry.isGNULongLinkEntry() ? ArchiveLimits.NAME
                        : ArchiveLimits.PAX_HEADER;
                if (entry.getSize() > limit) {
                    throw new IOException("a " + describe(entry) + " header claims " + entry.getSize()
                            + " bytes, more than the limit of " + ArchiveLimits.mib(limit));
                }
                paxRecords = new PaxRecords();
            }
            int n = super.read(buf, offset, length);
            if (n > 0) {
                extensionBytes += n;
                if (entry.isPaxHeader() || entry.isGlobalPaxHeader()) {
                    paxRecords.check(buf, offset, n);
                }
                if (entry.isPaxHeader()) {
                    pax.write(buf, offset, n);
                }
            }
            return n;
        }

        /**
         * GNU tar writes the real size of an old GNU sparse member of 8 GiB or more in base-256, which
         * commons-compress 1.28 cannot parse in that field (it can in the size field): such a header is rewritten
         * with the size in twelve octal digits, the form commons-compress accepts there, up to 64 GiB.
         */
        @Override
        protected byte[] readRecord() throws IOException {
            byte[] record = super.readRecord();
            if (record != null && record[156] == TarConstants.LF_GNUTYPE_SPARSE
                    && (record[REAL_SIZE] & 0x80) != 0 && isOldGnu(record)) {
                boolean checksumWasRight = TarUtils.verifyCheckSum(record);
                long realSize = TarUtils.parseOctalOrBinary(record, REAL_SIZE, 12);
                if (realSize < 0 || realSize >= 1L << 36) {
                    throw new IOException("sparse member of " + realSize + " bytes: at most 64 GiB is supported");
                }
                byte[] octal = String.format("%012o", realSize).getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(octal, 0, record, REAL_SIZE, 12);
                if (checksumWasRight) {
                    java.util.Arrays.fill(record, 148, 156, (byte) ' ');
                    long sum = 0;
                    for (byte b : record) {
                        sum += b & 0xff;
                    }
                    byte[] checksum = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
                    System.arraycopy(checksum, 0, record, 148, 8);
                }
            }
            return record;
        }

        private static boolean isOldGnu(byte[] record) {
            return record[257] == 'u' && record[258] == 's' && record[259] == 't' && record[260] == 'a'
                    && record[261] == 'r' && record[262] == ' ' && record[263] == ' ' && record[264] == 0;
        }

        private static boolean isExtension(TarArchiveEntry entry) {
            return entry != null && (entry.isGNULongNameEntry() || entry.isGNULongLinkEntry()
                    || entry.isPaxHeader() || entry.isGlobalPaxHeader());
        }

        private static String describe(TarArchiveEntry entry) {
            if (entry.isGNULongNameEntry()) {
                return "GNU long name (L)";
            }
            if (entry.isGNULongLinkEntry()) {
                return "GNU long link (K)";
            }
            if (entry.isGlobalPaxHeader()) {
                return "PAX global (g)";
            }
            return "PAX extended (x)";
        }
    }

    /**
     * Follows the records of a PAX header ({@code "<length> <keyword>=<value>\n"}) as commons-compress reads them:
     * it reads the length and keyword a byte at a time and then the value at once, so the value's length is checked
     * here, against the limit for its keyword, before it is read.
     */
    private static final class PaxRecords {
        private static final int LENGTH = 0;
        private static final int KEYWORD = 1;
        private static final int VALUE = 2;
        private int state = LENGTH;
        private long length;
        private long consumed;
        private final StringBuilder keyword = new StringBuilder();
        private long valueLeft;
        private long sparseRegions;

        void check(byte[] buf, int offset, int n) throws IOException {
            for (int i = offset; i < offset + n; i++) {
                if (state == VALUE) {
                    int take = (int) Math.min(valueLeft, offset + n - i);
                    valueLeft -= take;
                    i += take - 1;
                    if (valueLeft == 0) {
                        state = LENGTH;
                        length = 0;
                        consumed = 0;
                    }
                    continue;
                }
                byte b = buf[i];
                consumed++;
                if (state == LENGTH) {
                    if (b >= '0' && b <= '9' && length <= ArchiveLimits.PAX_HEADER) {
                        length = length * 10 + (b - '0');
                    } else if (b == ' ') {
                        state = KEYWORD;
                        keyword.setLength(0);
                    } else {
                        // commons-compress refuses the header or ends it here
                        length = 0;
                        consumed = 0;
                    }
                } else if (b == '=') {
                    valueStarts(keyword.toString(), length - consumed);
                } else if (keyword.length() < 256) {
                    keyword.append((char) (b & 0xff));
                }
            }
        }

        private void valueStarts(String key, long valueLength) throws IOException {
            long limit = switch (key) {
                case "GNU.dumpdir" -> ArchiveLimits.LISTING;
                case "GNU.sparse.map" -> ArchiveLimits.SPARSE_MAP;
                default -> ArchiveLimits.NAME;
            };
            if (valueLength > limit) {
                throw new IOException("PAX record " + key + " claims " + valueLength
                        + " bytes, more than the limit of " + ArchiveLimits.mib(limit));
            }
            if (key.equals("GNU.sparse.offset") && ++sparseRegions > ArchiveLimits.SPARSE_REGIONS) {
                throw new IOException("PAX sparse map with more than " + ArchiveLimits.SPARSE_REGIONS + " regions");
            }
            state = valueLength > 0 ? VALUE : LENGTH;
            valueLeft = valueLength;
            if (state == LENGTH) {
                length = 0;
                consumed = 0;
            }
        }
    }

    /**
     * The decompressed stream, counting while headers are read: the headers, sparse extension headers and sparse
     * map of one member may not exceed {@link ArchiveLimits#SPARSE_MAP} beside its long names and PAX headers.
     */
    private static final class CountingInput extends FilterInputStream {
        private BoundedTarInputStream counting;
        private long count;

        CountingInput(InputStream in) {
            super(in);
        }

        void startCounting(BoundedTarInputStream tar) {
            counting = tar;
            count = 0;
        }

        void stopCounting() {
            counting = null;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            counted(skipped);
            return skipped;
        }

        /** Skips {@code n} bytes; fewer only at the end of the stream. */
        long skipFully(long n) throws IOException {
            long left = n;
            while (left > 0) {
                long skipped = skip(left);
                if (skipped <= 0) {
                    if (read() < 0) {
                        break;
                    }
                    skipped = 1;
                }
                left -= skipped;
            }
            return n - left;
        }

        private void counted(long n) throws IOException {
            if (counting == null) {
                return;
            }
            count += n;
            if (counting.headerBytes(count) > ArchiveLimits.SPARSE_MAP) {
                throw new IOException("the headers and sparse map before one member exceed the limit of "
                        + ArchiveLimits.mib(ArchiveLimits.SPARSE_MAP));
            }
        }
    }
}
