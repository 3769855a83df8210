package org.aiod.backup.engine;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A snapshot file's fields are read within {@link ArchiveLimits}: a name or listing beyond them is refused. */
class SnapshotFileLimitsTest {

    @TempDir
    Path tmp;

    private Path snapshot(byte[] name, long listingBytes) throws IOException {
        Path file = tmp.resolve("x.snar");
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write("GNU tar-1.34-2\n1700000000\0000\0".getBytes(StandardCharsets.US_ASCII));
            out.write("0\0001700000000\0000\00066\00077\0".getBytes(StandardCharsets.US_ASCII));
            out.write(name);
            out.write(0);
            byte[] entry = "Nsome-file-name-0123456789\0".getBytes(StandardCharsets.US_ASCII);
            for (long written = 0; written < listingBytes; written += entry.length) {
                out.write(entry);
            }
            out.write(new byte[] {0, 0});
        }
        return file;
    }

    @Test
    void nameBeyondTheLimitIsRefused() throws IOException {
        byte[] name = ("./x/" + "n".repeat(ArchiveLimits.NAME)).getBytes(StandardCharsets.US_ASCII);
        Path file = snapshot(name, 100);
        IOException e = assertThrows(IOException.class, () -> SnapshotFile.read(file));
        assertTrue(e.getMessage().contains("limit of 64 KiB"), e.getMessage());
    }

    @Test
    void listingBeyondTheLimitIsRefused() throws IOException {
        Path file = snapshot("./x".getBytes(StandardCharsets.US_ASCII), ArchiveLimits.LISTING + 1024);
        IOException e = assertThrows(IOException.class, () -> SnapshotFile.read(file));
        assertTrue(e.getMessage().contains("limit of 32 MiB"), e.getMessage());
    }

    @Test
    void listingWithinTheLimitIsRead() throws IOException {
        Path file = snapshot("./x".getBytes(StandardCharsets.US_ASCII), 1024 * 1024);
        assertTrue(SnapshotFile.read(file).directories().containsKey("./x"));
    }
}
