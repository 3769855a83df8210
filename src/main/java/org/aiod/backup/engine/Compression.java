package org.aiod.backup.engine;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

import com.github.luben.zstd.ZstdInputStream;

/**
 * How archives are compressed. Each archive's suffix says how it was written, so a cycle may mix both when the
 * setting changes between levels, and readers never guess.
 */
public enum Compression {
    /** gzip, as the legacy scripts wrote ({@code .tar.gz}); GNU tar restores it with {@code -z} or by itself. */
    GZIP(".tar.gz"),
    /** Zstandard ({@code .tar.zst}); GNU tar restores it with {@code --zstd} (the zstd program must be installed). */
    ZSTD(".tar.zst");

    private final String suffix;

    Compression(String suffix) {
        this.suffix = suffix;
    }

    public String suffix() {
        return suffix;
    }

    /** The compression an archive was written with, from its name. */
    static Compression ofArchive(String fileName) {
        return fileName.endsWith(ZSTD.suffix) ? ZSTD : GZIP;
    }

    /** A stream of the decompressed tar archive read from {@code in}. */
    InputStream decompress(InputStream in) throws IOException {
        return switch (this) {
            case GZIP -> new GZIPInputStream(in, 1 << 16);
            case ZSTD -> new BufferedInputStream(new ZstdInputStream(in), 1 << 16);
        };
    }
}
