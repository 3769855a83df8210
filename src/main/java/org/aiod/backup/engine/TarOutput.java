package org.aiod.backup.engine;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.ZipEncoding;
import org.apache.commons.compress.archivers.zip.ZipEncodingHelper;

/**
 * Writes GNU-format tar members (magic {@code "ustar  \0"}), including GNU's {@code D} dumpdir members, on top of
 * commons-compress. commons-compress has no public way to write GNU magic nor to attach data to a directory-like
 * member, so each header is built by commons-compress, given GNU magic, and parsed back.
 */
final class TarOutput implements Closeable {

    /**
     * Names are bytes: commons-compress is given each name as ISO-8859-1 characters, one per byte ({@link
     * Names#toLatin1}), and writes them with this encoding, so headers and GNU long-name members hold the exact bytes.
     */
    private static final ZipEncoding BYTES = ZipEncodingHelper.getZipEncoding(StandardCharsets.ISO_8859_1.name());
    private static final byte[] GNU_MAGIC_AND_VERSION = "ustar  \0".getBytes(StandardCharsets.US_ASCII);
    private static final int MAGIC_OFFSET = 257;
    private static final int COPY_BUFFER = 1 << 16;

    /** Ownership and times of a member, as recorded in its header. */
    record Owner(long uid, long gid, String userName, String groupName) {
    }

    private final TarArchiveOutputStream tar;
    private final byte[] buffer = new byte[COPY_BUFFER];

    TarOutput(OutputStream out) {
        this.tar = new TarArchiveOutputStream(out, StandardCharsets.ISO_8859_1.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_GNU);
        // GNU tar's own encoding of numbers that do not fit in octal (sizes over 8 GiB, large ids)
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_STAR);
    }

    /** A {@code D} member: a directory with its listing as data. {@code name} ends with '/'. */
    void dumpDir(String name, int mode, Owner owner, long mtimeSeconds, byte[] listing) throws IOException {
        TarArchiveEntry draft = draft(name, (byte) 'D', mode, owner, mtimeSeconds, listing.length, null);
        TarArchiveEntry entry = new DumpDirEntry(gnuHeader(draft), BYTES);
        entry.setName(draft.getName());
        tar.putArchiveEntry(entry);
        tar.write(listing);
        tar.closeArchiveEntry();
    }

    /**
     * A regular file of {@code size} bytes read from {@code content}. Returns how many bytes the content was short
     * of {@code size} (the member is padded with zeros to stay valid) or -1 when the content had more bytes than
     * {@code size} (the member is cut at {@code size}); 0 when it matched.
     */
    long file(String name, int mode, Owner owner, long mtimeSeconds, long size, InputStream content)
            throws IOException {
        put(draft(name, TarConstants.LF_NORMAL, mode, owner, mtimeSeconds, size, null));
        long remaining = size;
        while (remaining > 0) {
            int n = content.read(buffer, 0, (int) Math.min(buffer.length, remaining));
            if (n < 0) {
                break;
            }
            tar.write(buffer, 0, n);
            remaining -= n;
        }
        long shortBy = remaining;
        if (remaining > 0) {
            java.util.Arrays.fill(buffer, (byte) 0);
            while (remaining > 0) {
                int n = (int) Math.min(buffer.length, remaining);
                tar.write(buffer, 0, n);
                remaining -= n;
            }
        }
        tar.closeArchiveEntry();
        if (shortBy > 0) {
            return shortBy;
        }
        return content.read() >= 0 ? -1 : 0;
    }

    void symlink(String name, int mode, Owner owner, long mtimeSeconds, String target) throws IOException {
        put(draft(name, TarConstants.LF_SYMLINK, mode, owner, mtimeSeconds, 0, target));
        tar.closeArchiveEntry();
    }

    /** A hard link to {@code target}, a member written earlier in this archive. */
    void hardLink(String name, int mode, Owner owner, long mtimeSeconds, String target) throws IOException {
        put(draft(name, TarConstants.LF_LINK, mode, owner, mtimeSeconds, 0, target));
        tar.closeArchiveEntry();
    }

    /** Writes the end-of-archive records and pads to a whole block; does not close the underlying stream. */
    void finish() throws IOException {
        tar.finish();
    }

    @Override
    public void close() throws IOException {
        tar.close();
    }

    private void put(TarArchiveEntry draft) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(gnuHeader(draft), BYTES);
        // the parsed header holds at most 100 bytes of each name; the stream writes L/K members for the full ones
        entry.setName(draft.getName());
        entry.setLinkName(draft.getLinkName());
        tar.putArchiveEntry(entry);
    }

    private static TarArchiveEntry draft(String name, byte type, int mode, Owner owner, long mtimeSeconds,
            long size, String linkName) {
        TarArchiveEntry entry = new TarArchiveEntry(Names.toLatin1(name), type, true);
        entry.setMode(mode & 07777);
        entry.setUserId(owner.uid());
        entry.setGroupId(owner.gid());
        entry.setUserName(Names.toLatin1(owner.userName()));
        entry.setGroupName(Names.toLatin1(owner.groupName()));
        entry.setModTime(FileTime.from(mtimeSeconds, TimeUnit.SECONDS));
        entry.setSize(size);
        if (linkName != null) {
            entry.setLinkName(Names.toLatin1(linkName));
        }
        return entry;
    }

    private static byte[] gnuHeader(TarArchiveEntry draft) throws IOException {
        byte[] header = new byte[TarConstants.DEFAULT_RCDSIZE];
        draft.writeEntryHeader(header, BYTES, true);
        System.arraycopy(GNU_MAGIC_AND_VERSION, 0, header, MAGIC_OFFSET, GNU_MAGIC_AND_VERSION.length);
        return header;
    }

    /**
     * A {@code D} member. commons-compress treats any name ending in '/' as a directory and then refuses data for
     * it; a dumpdir member does carry data (its listing), so it must not count as a directory while written.
     */
    private static final class DumpDirEntry extends TarArchiveEntry {
        DumpDirEntry(byte[] header, ZipEncoding encoding) throws IOException {
            super(header, encoding);
        }

        @Override
        public boolean isDirectory() {
            return false;
        }
    }
}
