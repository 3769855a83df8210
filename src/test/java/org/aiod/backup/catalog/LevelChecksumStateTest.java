package org.aiod.backup.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.aiod.backup.engine.Engine;
import org.aiod.backup.engine.EngineOptions;
import org.aiod.backup.engine.ProgressListener;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checksum state the catalog gives a level is the truth: {@code LISTED} until a verify reads it, then
 * {@code VERIFIED} with when and how deep, or {@code CORRUPT} with what was found; never {@code VERIFIED} for an
 * archive that is corrupt, and no longer {@code VERIFIED} once the archive changed after its verify.
 */
class LevelChecksumStateTest {

    @TempDir
    Path tmp;

    private Path backupRoot;
    private DatasetCatalog catalog;

    @BeforeEach
    void twoLevels() throws IOException {
        Path dataRoot = Files.createDirectories(tmp.resolve("data"));
        backupRoot = tmp.resolve("backups");
        Engine engine = new Engine(EngineOptions.defaults(dataRoot, backupRoot));
        Trees.write(dataRoot.resolve("a/one.txt"), "level 0");
        Trees.write(dataRoot.resolve("a/big.bin"), Trees.randomBytes(3, 100 * 1024));
        engine.backup("a");
        Trees.write(dataRoot.resolve("a/two.txt"), "level 1");
        Trees.write(dataRoot.resolve("a/big1.bin"), Trees.randomBytes(4, 100 * 1024));
        engine.backup("a");
        catalog = new DatasetCatalog(engine, List.of());
    }

    private List<LevelEntry> levels() {
        return catalog.cycles("a").get(0).levels();
    }

    @Test
    void aLevelOnlyListedIsListedUntilAVerifyReadsIt() {
        Instant before = Instant.now();
        levels().forEach(l -> assertEquals(LevelEntry.ChecksumState.LISTED, l.checksum(), l.toString()));

        VerifyReport report = catalog.verify("a", VerifyDepthName.CHECKSUMS, ProgressListener.NONE);

        assertTrue(report.passed(), report::toString);
        for (LevelEntry level : levels()) {
            assertEquals(LevelEntry.ChecksumState.VERIFIED, level.checksum(), level.toString());
            LevelEntry.LastVerify last = level.verify().orElseThrow();
            assertEquals(VerifyDepthName.CHECKSUMS, last.depth());
            assertFalse(last.at().isBefore(before.minusSeconds(1)), last.toString());
            assertEquals(Optional.of(last.at()), level.lastVerified());
        }

        VerifyReport drill = catalog.verify("a", VerifyDepthName.DRILL, ProgressListener.NONE);

        assertTrue(drill.passed(), drill::toString);
        assertEquals(1, drill.drill().level());
        levels().forEach(l -> assertEquals(VerifyDepthName.DRILL, l.verify().orElseThrow().depth()));
    }

    @Test
    void aCorruptArchiveIsNeverShownVerified() throws IOException {
        catalog.verify("a", VerifyDepthName.CHECKSUMS, ProgressListener.NONE);
        assertEquals(LevelEntry.ChecksumState.VERIFIED, levels().get(1).checksum());
        Path archive = backupRoot.resolve("a/a_0/a1.tar.gz");
        byte[] bytes = Files.readAllBytes(archive);
        bytes[bytes.length / 2] ^= 0x20;
        FileTime mtime = Files.getLastModifiedTime(archive);
        Files.write(archive, bytes);

        // written since its verify: that verify no longer speaks for it
        assertEquals(LevelEntry.ChecksumState.LISTED, levels().get(1).checksum());
        assertEquals(Optional.empty(), levels().get(1).lastVerified());

        Files.setLastModifiedTime(archive, mtime);
        VerifyReport report = catalog.verify("a", VerifyDepthName.CHECKSUMS, ProgressListener.NONE);

        assertFalse(report.passed());
        LevelEntry corrupt = levels().get(1);
        assertEquals(LevelEntry.ChecksumState.CORRUPT, corrupt.checksum());
        assertTrue(corrupt.verify().orElseThrow().detail().contains("a1.tar.gz"), corrupt.toString());
        assertEquals(LevelEntry.ChecksumState.VERIFIED, levels().get(0).checksum());

        VerifyReport drill = catalog.verify("a", VerifyDepthName.DRILL, ProgressListener.NONE);

        assertFalse(drill.passed());
        assertEquals(LevelEntry.ChecksumState.CORRUPT, levels().get(1).checksum(), "a drill does not clear it");
    }
}
