package org.aiod.backup.engine;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The engine's file-tree operations that code outside it needs as well, so that there is one implementation of each:
 * today the recursive deletion that the engine uses for its own temporary and staging trees.
 */
public final class FileTrees {

    private FileTrees() {
    }

    /**
     * Deletes a tree without following symlinks; a missing path is fine. Returns the number of entries deleted. Where
     * the platform offers it, a directory swapped for a symlink meanwhile cannot lead the deletion out of the tree.
     */
    public static long deleteRecursively(Path root) throws IOException {
        return FileOps.deleteRecursively(root);
    }
}
