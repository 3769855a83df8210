package org.aiod.backup.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * How a backup opens the files whose content it archives. The one place file data is read, so that tests can wrap
 * it: to count which files are read, or to change a file while it is being read.
 */
interface FileContent {

    /** Opens {@code path} for reading without following a symlink. */
    InputStream open(Path path) throws IOException;

    FileContent DIRECT = path -> Channels.newInputStream(
            FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
}
