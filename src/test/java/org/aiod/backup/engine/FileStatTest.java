package org.aiod.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fast lstat path (as the jar and the tests run, with sun.nio.fs opened) says exactly what the public one says. */
class FileStatTest {

    @TempDir
    Path tmp;

    @Test
    void fastAndPublicPathsAgree() throws Exception {
        assertTrue(FileStat.fast(), "the test JVM opens sun.nio.fs like the jar: the fast path must be taken");
        Path file = Trees.chmod(Trees.write(tmp.resolve("f.txt"), "content"), "rw-r-----");
        Path dir = Trees.mkdirs(tmp.resolve("d"));
        Path link = Trees.symlink(tmp.resolve("l"), "f.txt");
        java.nio.file.Files.createLink(tmp.resolve("hard"), file);
        for (Path path : new Path[] {file, dir, link, tmp.resolve("hard")}) {
            assertEquals(FileStat.viaAttributeView(path), FileStat.of(path), path.toString());
        }
        assertEquals(2, FileStat.of(file).links());
        assertTrue(FileStat.of(link).isSymlink());
        assertEquals(0640, FileStat.of(file).permissions());
    }
}
