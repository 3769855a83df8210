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
import org.apache.commons.compress.archivers.tar.TarUtils;
import org.apache.commons.compress.archivers.zip.ZipEncoding;

/**
 * Writes GNU-format tar members (magic {@code "ustar  \0"}), including GNU's {@code D} dumpdir members, on top of
 * commons-compress. commons-compress has no public way to write GNU magic nor to attach data to a directory-like
 * member, so each member's entry ({@link GnuEntry}) lets commons-compress format its header and then puts GNU magic
 * in it and sums it again: one formatting per header (formatting it, parsing it back and formatting it again was a
 * quarter of the Java time of a backup of small files).
 */
final class TarOutput implements Closeable {

    private static final byte[] GNU_MAGIC_AND_VERSION = "ustar  \0".getBytes(StandardCharsets.US_ASCII);
    private static final int MAGIC_OFFSET = 257;
    private static final int CHECKSUM_OFFSET = 148;
    private static final int COPY_BUFFER = 1 << 16;

    /** Ownership and times of a member, as recorded in its header. */
    record Owner(long uid, long gid, String userName, String groupName) {
    }

    private final TarArchiveOutputStream tar;
    private final byte[] buffer = new byte[COPY_BUFFER];

    /**
     * Names are bytes: commons-compress is given each name as ISO-8859-1 characters, one per byte ({@link
     * Names#toLatin1}), and writes them with that encoding, so headers and GNU long-name members hold the exact bytes.
     */
    TarOutput(OutputStream out) {
        this.tar = new TarArchiveOutputStream(out, StandardCharsets.ISO_8859_1.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_GNU);
        // GNU tar's own encoding of numbers that do not fit in octal (sizes over 8 GiB, large ids)
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_STAR);
    }

    /** A {@code D} member: a directory with its listing as data. {@code name} ends with '/'. */
    void dumpDir(String name, int mode, Owner owner, long mtimeSeconds, byte[] listing) throws IOException {
        tar.putArchiveEntry(entry(name, (byte) 'D', mode, owner, mtimeSeconds, listing.length, null));
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
        tar.putArchiveEntry(entry(name, TarConstants.LF_NORMAL, mode, owner, mtimeSeconds, size, null));
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
        zeros(shortBy);
        tar.closeArchiveEntry();
        if (shortBy > 0) {
            return shortBy;
        }
        return content.read() >= 0 ? -1 : 0;
    }

    /**
     * A regular file of {@code size} bytes already read: the first {@code length} bytes of {@code content}, written
     * straight from the array. Returns as {@link #file(String, int, Owner, long, long, InputStream)} does.
     */
    long file(String name, int mode, Owner owner, long mtimeSeconds, long size, byte[] content, int length)
            throws IOException {
        tar.putArchiveEntry(entry(name, TarConstants.LF_NORMAL, mode, owner, mtimeSeconds, size, null));
        int taken = (int) Math.min(length, size);
        tar.write(content, 0, taken);
        long shortBy = size - taken;
        zeros(shortBy);
        tar.closeArchiveEntry();
        if (shortBy > 0) {
            return shortBy;
        }
        return length > size ? -1 : 0;
    }

    /** Pads a member whose file was shorter than its header says, as GNU tar does: {@code count} zeros. */
    private void zeros(long count) throws IOException {
        if (count <= 0) {
            return;
        }
        java.util.Arrays.fill(buffer, (byte) 0);
        for (long remaining = count; remaining > 0; ) {
            int n = (int) Math.min(buffer.length, remaining);
            tar.write(buffer, 0, n);
            remaining -= n;
        }
    }

    void symlink(String name, int mode, Owner owner, long mtimeSeconds, String target) throws IOException {
        tar.putArchiveEntry(entry(name, TarConstants.LF_SYMLINK, mode, owner, mtimeSeconds, 0, target));
        tar.closeArchiveEntry();
    }

    /** A hard link to {@code target}, a member written earlier in this archive. */
    void hardLink(String name, int mode, Owner owner, long mtimeSeconds, String target) throws IOException {
        tar.putArchiveEntry(entry(name, TarConstants.LF_LINK, mode, owner, mtimeSeconds, 0, target));
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

    private static TarArchiveEntry entry(String name, byte type, int mode, Owner owner, long mtimeSeconds,
            long size, String linkName) {
        TarArchiveEntry entry = new GnuEntry(Names.toLatin1(name), type);
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

    /**
     * An entry whose header carries GNU magic: commons-compress formats the header (POSIX magic), then the magic is
     * replaced and the header's checksum computed again, as GNU tar computes it (the unsigned sum of the 512 bytes
     * with the checksum field taken as spaces). A {@code D} member carries data (its listing) under a name ending in
     * '/', which commons-compress would take for a directory and refuse data for; it is not one while written.
     */
    private static final class GnuEntry extends TarArchiveEntry {
        private final boolean dumpDir;

        GnuEntry(String name, byte type) {
            super(name, type, true);
            this.dumpDir = type == 'D';
        }

        @Override
        public void writeEntryHeader(byte[] header, ZipEncoding encoding, boolean starMode) throws IOException {
            super.writeEntryHeader(header, encoding, starMode);
            System.arraycopy(GNU_MAGIC_AND_VERSION, 0, header, MAGIC_OFFSET, GNU_MAGIC_AND_VERSION.length);
            java.util.Arrays.fill(header, CHECKSUM_OFFSET, CHECKSUM_OFFSET + TarConstants.CHKSUMLEN, (byte) ' ');
            TarUtils.formatCheckSumOctalBytes(TarUtils.computeCheckSum(header), header, CHECKSUM_OFFSET,
                    TarConstants.CHKSUMLEN);
        }

        @Override
        public boolean isDirectory() {
            return !dumpDir && super.isDirectory();
        }
    }
}
