package org.aiod.backup.engine;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;

/** Reads an archive to its end without extracting anything: gzip CRC, every tar header, and its SHA-256. */
final class ArchiveCheck {

    private ArchiveCheck() {
    }

    /**
     * @return the archive's SHA-256 in hex
     * @throws BackupException.CorruptArchive when it is not a complete gzip-compressed tar archive
     */
    static String readThrough(Path archive) throws IOException {
        return readThrough(archive, ProgressListener.NONE);
    }

    /** As {@link #readThrough(Path)}, telling {@code listener} how many of the archive's bytes were read. */
    static String readThrough(Path archive, ProgressListener listener) throws IOException {
        MessageDigest digest = Checksums.sha256();
        try (InputStream file = ReadCounting.of(Files.newInputStream(archive), listener);
                DigestInputStream hashed = new DigestInputStream(file, digest);
                InputStream buffered = new BufferedInputStream(hashed, 1 << 16)) {
            try {
                InputStream gzip = Compressors.decompressing(buffered, archive);
                TarInput tar = new TarInput(gzip);
                while (tar.next() != null) {
                    // headers are parsed and file data skipped by the next call
                }
                gzip.transferTo(OutputStream.nullOutputStream());
                buffered.transferTo(OutputStream.nullOutputStream());
            } catch (IOException | RuntimeException e) {
                throw new BackupException.CorruptArchive(archive + " is corrupt or truncated: " + e.getMessage(), e);
            }
        }
        return Checksums.hex(digest.digest());
    }
}
