package org.aiod.backup.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.aiod.backup.engine.testing.GnuTar;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Compression both ways from one place: what {@link Compressors#compressing} writes, {@link Compressors#decompressing}
 * and the gzip and zstd programs read back; finishing leaves the archive's own stream open for its owner to sync.
 */
class CompressorsTest {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}, level {1}, {2} thread(s)")
    @CsvSource({"GZIP, 6, 1", "GZIP, 1, 2", "GZIP, 9, 4", "ZSTD, 3, 1", "ZSTD, 19, 2"})
    void whatIsWrittenIsReadBackByTheEngineAndTheProgram(Compression compression, int level, int threads)
            throws Exception {
        // more than one parallel gzip block, with repeats so that every level really compresses
        byte[] data = new byte[3 * ParallelGzipOutputStream.BLOCK_SIZE + 12345];
        byte[] random = Trees.randomBytes(7, 4096);
        for (int i = 0; i < data.length; i++) {
            data[i] = random[(i * 31) % random.length];
        }
        CloseTracking archive = new CloseTracking();

        OutputStream compressed = Compressors.compressing(archive, compression, level, threads);
        compressed.write(data);
        Compressors.finish(compressed);

        assertFalse(archive.closed, "the archive's stream stays open after finish: its owner syncs and closes it");
        byte[] written = archive.toByteArray();
        try (InputStream in = Compressors.decompressing(new ByteArrayInputStream(written), compression)) {
            assertArrayEquals(data, in.readAllBytes(), "read back by the engine");
        }
        Path file = Files.write(tmp.resolve("data" + compression.suffix().replace(".tar", "")), written);
        String program = compression == Compression.GZIP ? "gzip" : "zstd";
        Path out = tmp.resolve("out");
        GnuTar.run(tmp, List.of("sh", "-c", program + " -dc " + file + " > " + out), false);
        assertArrayEquals(data, Files.readAllBytes(out), "read back by " + program);
    }

    @ParameterizedTest
    @CsvSource({"x0.tar.gz, GZIP", "x1.tar.zst, ZSTD"})
    void anArchiveIsReadAsItsNameSays(String name, Compression compression) throws IOException {
        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        OutputStream compressed = Compressors.compressing(archive, compression, 3, 1);
        compressed.write("tar bytes".getBytes());
        Compressors.finish(compressed);
        try (InputStream in = Compressors.decompressing(new ByteArrayInputStream(archive.toByteArray()),
                Path.of("/b/x_0").resolve(name))) {
            assertEquals("tar bytes", new String(in.readAllBytes()));
        }
    }

    private static final class CloseTracking extends ByteArrayOutputStream {
        boolean closed;

        @Override
        public void close() {
            closed = true;
        }
    }
}
