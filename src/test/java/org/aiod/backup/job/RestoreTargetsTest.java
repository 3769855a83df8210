package org.aiod.backup.job;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which restore targets lie under an allowed directory, on a real tree with real symlinks. */
class RestoreTargetsTest {

    @TempDir
    Path tmp;

    @Test
    void aTargetIsAllowedUnderAnAllowedDirectoryOnlyAfterItsSymlinksAreResolved() throws Exception {
        Path allowed = Files.createDirectories(tmp.resolve("restore"));
        Path elsewhere = Files.createDirectories(tmp.resolve("etc"));
        Files.createSymbolicLink(allowed.resolve("escape"), elsewhere);
        Files.createSymbolicLink(tmp.resolve("to-restore"), allowed);
        List<Path> roots = List.of(allowed);

        assertTrue(RestoreTargets.isAllowed(allowed, roots), "the allowed directory itself");
        assertTrue(RestoreTargets.isAllowed(allowed.resolve("x/y"), roots), "a new directory under it");
        assertTrue(RestoreTargets.isAllowed(tmp.resolve("to-restore/x"), roots), "through a link into it");
        assertFalse(RestoreTargets.isAllowed(allowed.resolve("escape/x"), roots), "through a link out of it");
        assertFalse(RestoreTargets.isAllowed(allowed.resolve("escape"), roots), "a link out of it");
        assertFalse(RestoreTargets.isAllowed(tmp.resolve("restore-other"), roots), "a sibling sharing the prefix");
        assertFalse(RestoreTargets.isAllowed(elsewhere, roots));
        assertFalse(RestoreTargets.isAllowed(allowed.resolve("x/../../etc"), roots), "normalized first");
        assertTrue(RestoreTargets.isAllowed(tmp.resolve("later/x"), List.of(tmp.resolve("later"))),
                "an allowed directory that does not exist yet");
    }
}
