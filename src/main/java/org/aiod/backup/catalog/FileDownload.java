package org.aiod.backup.catalog;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;

/**
 * One file's content as it was at a level of a cycle, streamed from the archive that holds it, which is open until
 * this is closed. The archive has been read up to the file's member; its SHA-256 is not checked (it is not read to
 * its end).
 */
public final class FileDownload implements Closeable {

    private final String name;
    private final long size;
    private final Instant modified;
    private final int level;
    private final InputStream content;
    private final Closeable source;

    FileDownload(String name, long size, Instant modified, int level, InputStream content, Closeable source) {
        this.name = name;
        this.size = size;
        this.modified = modified;
        this.level = level;
        this.content = content;
        this.source = source;
    }

    /** The file's base name, as shown. */
    public String name() {
        return name;
    }

    /** Exactly the number of bytes {@link #content()} gives. */
    public long size() {
        return size;
    }

    public Instant modified() {
        return modified;
    }

    /** The level whose archive holds the content. */
    public int level() {
        return level;
    }

    /** The content, to be read once; a read fails if the archive ends inside it. */
    public InputStream content() {
        return content;
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
