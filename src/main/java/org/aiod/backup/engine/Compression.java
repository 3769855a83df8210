package org.aiod.backup.engine;

/**
 * How archives are compressed. Each archive's suffix says how it was written, so a cycle may mix both when the
 * setting changes between levels, and readers never guess. {@link Compressors} opens the streams, both ways.
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
}
