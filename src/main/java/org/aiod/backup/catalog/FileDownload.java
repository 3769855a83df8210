package org.aiod.backup.catalog;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;

import org.aiod.backup.engine.ArchivedFile;

/**
 * One file's content as it was at a level of a cycle, streamed from the archive that holds it, which is open until
 * this is closed. The archive has been read up to the file's member; its SHA-256 is not checked (it is not read to
 * its end).
 */
public final class FileDownload implements Closeable {

    // wrapped, not copied: the engine's type stays behind the catalog, its state in one place
    private final ArchivedFile file;

    FileDownload(ArchivedFile file) {
        this.file = file;
    }

    /** The file's base name, as shown. */
    public String name() {
        return file.name();
    }

    /** Exactly the number of bytes {@link #content()} gives. */
    public long size() {
        return file.size();
    }

    public Instant modified() {
        return file.modified();
    }

    /** The level whose archive holds the content. */
    public int level() {
        return file.level();
    }

    /** The content, to be read once; a read fails if the archive ends inside it. */
    public InputStream content() {
        return file.content();
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
