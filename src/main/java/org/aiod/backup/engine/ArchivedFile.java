package org.aiod.backup.engine;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;

/**
 * One file's content as it was at a level ({@link Engine#open}): the archive that holds it, opened and read up to
 * the file's member, and a stream of exactly {@link #size()} bytes over it. Closing it closes the archive. The
 * archive's SHA-256 is not checked (it is not read to its end; see "Browse and download" in docs/design.md); a
 * member that ends early fails the read with {@link BackupException.CorruptArchive}.
 */
public final class ArchivedFile implements Closeable {

    private final String name;
    private final long size;
    private final Instant modified;
    private final int mode;
    private final int level;
    private final InputStream content;
    private final Closeable archive;

    ArchivedFile(String name, long size, Instant modified, int mode, int level, InputStream content,
            Closeable archive) {
        this.name = name;
        this.size = size;
        this.modified = modified;
        this.mode = mode;
        this.level = level;
        this.content = content;
        this.archive = archive;
    }

    /** The file's base name as {@link Names#shown} shows it. */
    public String name() {
        return name;
    }

    /** Its content length in bytes (its real size when sparse): what {@link #content()} gives, exactly. */
    public long size() {
        return size;
    }

    public Instant modified() {
        return modified;
    }

    /** Its permission bits, setuid, setgid and sticky included. */
    public int mode() {
        return mode;
    }

    /** The level whose archive holds the content. */
    public int level() {
        return level;
    }

    /** The content, read from the archive as it is consumed; one stream, to be read once. */
    public InputStream content() {
        return content;
    }

    @Override
    public void close() throws IOException {
        archive.close();
    }
}
