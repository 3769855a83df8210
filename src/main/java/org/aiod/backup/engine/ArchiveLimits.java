package org.aiod.backup.engine;

/**
 * The largest header data the engine reads into memory from an archive or a snapshot file. Anything larger is
 * refused before it is read ({@code CORRUPT_ARCHIVE}), so that a restore of any archive runs in a bounded heap: a
 * header claiming gigabytes must not become an allocation of gigabytes. docs/design.md ("Limits") lists them.
 */
final class ArchiveLimits {

    /**
     * A GNU long name or long link ({@code L}/{@code K} data), a name field of a snapshot file, and any PAX record
     * but {@code GNU.dumpdir} and {@code GNU.sparse.map}.
     */
    static final int NAME = 64 * 1024;
    /**
     * One PAX extended header ({@code x} or {@code g} data). As large as a listing: GNU tar's POSIX format carries a
     * directory's listing in one ({@code GNU.dumpdir}).
     */
    static final int PAX_HEADER = 32 * 1024 * 1024;
    /** One directory listing: a {@code D} member's data, a {@code GNU.dumpdir} record, a snapshot record's. */
    static final int LISTING = 32 * 1024 * 1024;
    /**
     * The headers and sparse map read before one member's data, other than long names and PAX headers: its own
     * header, old GNU sparse extension headers (21 regions per 512 bytes, so about 43,000 regions) and a PAX 1.0
     * sparse map; also one PAX 0.1 {@code GNU.sparse.map} record. Each region costs commons-compress about 200 bytes
     * of heap, whence a limit well below the others.
     */
    static final int SPARSE_MAP = 1024 * 1024;
    /** The regions of a PAX 0.0 sparse map ({@code GNU.sparse.offset} records), which cost as much as above. */
    static final int SPARSE_REGIONS = 256 * 1024;
    /** Extension headers ({@code L}, {@code K}, {@code x}, {@code g}) before one member. */
    static final int EXTENSION_HEADERS = 16;

    private ArchiveLimits() {
    }

    static String mib(long bytes) {
        return bytes >= 1024 * 1024 ? bytes / (1024 * 1024) + " MiB" : bytes / 1024 + " KiB";
    }
}
