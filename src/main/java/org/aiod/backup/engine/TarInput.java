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

    record Member(Kind kind, TarArchiveEntry entry, byte[] listing) {
        String name() {
            return entry.getName();
        }
    }

    private static final int RECORD = TarConstants.DEFAULT_RCDSIZE;

    private final InputStream raw;
    private final TarArchiveInputStream tar;

    TarInput(InputStream decompressed) {
        this.raw = decompressed;
        this.tar = new TarArchiveInputStream(decompressed, StandardCharsets.UTF_8.name());
    }

    /** The next member, or {@code null} after the last. */
    Member next() throws IOException {
        TarArchiveEntry entry = tar.getNextEntry();
        if (entry == null) {
            return null;
        }
        byte flag = entry.getLinkFlag();
        if (flag == 'D') {
            return new Member(Kind.DUMPDIR, entry, readDumpDir(entry));
        }
        if (flag == TarConstants.LF_DIR || entry.getName().endsWith("/") && isPlain(flag)) {
            String pax = entry.getExtraPaxHeaders().get("GNU.dumpdir");
            if (pax != null) {
                return new Member(Kind.DUMPDIR, entry, withTerminator(pax.getBytes(StandardCharsets.UTF_8)));
            }
            return new Member(Kind.DIRECTORY, entry, null);
        }
        if (isPlain(flag) || flag == TarConstants.LF_CONTIG || flag == TarConstants.LF_GNUTYPE_SPARSE) {
            return new Member(Kind.FILE, entry, null);
        }
        if (flag == TarConstants.LF_SYMLINK) {
            return new Member(Kind.SYMLINK, entry, null);
        }
        if (flag == TarConstants.LF_LINK) {
            return new Member(Kind.HARDLINK, entry, null);
        }
        return new Member(Kind.OTHER, entry, null);
    }

    /** The content of the current file member. */
    InputStream content() {
        return tar;
    }

    private static boolean isPlain(byte flag) {
        return flag == TarConstants.LF_NORMAL || flag == TarConstants.LF_OLDNORM;
    }

    private byte[] readDumpDir(TarArchiveEntry entry) throws IOException {
        long size = entry.getSize();
        if (size > Integer.MAX_VALUE - RECORD) {
            throw new IOException("listing of " + entry.getName() + " claims " + size + " bytes");
        }
        if (!entry.isDirectory()) {
            // commons-compress exposes the data of a D member whose name lacks the trailing '/'
            return withTerminator(tar.readAllBytes());
        }
        int padded = (int) ((size + RECORD - 1) / RECORD * RECORD);
        byte[] data = raw.readNBytes(padded);
        if (data.length < padded) {
            throw new EOFException("archive ends inside the listing of " + entry.getName());
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
