package org.aiod.backup.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.nio.file.attribute.FileTime;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.aiod.backup.engine.BackupException;
import org.aiod.backup.engine.Engine;
import org.aiod.backup.engine.EngineOptions;
import org.aiod.backup.engine.testing.Trees;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalog over a real backup root whose levels the engine wrote: which datasets are managed (found on disk, or
 * as configured), their cycles, levels, sizes and checksum state as the files are, a dataset whose data directory is
 * gone, and verify reading every archive against SHA256SUMS.
 */
class DatasetCatalogTest {

    @TempDir
    Path tmp;

    private Path dataRoot;
    private Path backupRoot;
    private Engine engine;

    /**
     * Datasets {@code a} (three backups, cycle length 2), {@code b} (no backups) and {@code gone} (one backup, then
     * its directory removed).
     */
    @BeforeEach
    void threeDatasets() throws IOException {
        dataRoot = Files.createDirectories(tmp.resolve("data"));
        backupRoot = tmp.resolve("backups");
        engine = new Engine(EngineOptions.defaults(dataRoot, backupRoot).withCycleLength(2));
        Trees.write(dataRoot.resolve("a/one.txt"), "level 0");
        engine.backup("a");
        Trees.write(dataRoot.resolve("a/two.txt"), "level 1");
        engine.backup("a");
        Trees.write(dataRoot.resolve("a/three.txt"), "cycle 1");
        engine.backup("a");
        Files.createDirectories(dataRoot.resolve("b"));
        Trees.write(dataRoot.resolve("gone/data.txt"), "kept only in its backup");
        engine.backup("gone");
        Files.delete(dataRoot.resolve("gone/data.txt"));
        Files.delete(dataRoot.resolve("gone"));
    }

    @Test
    void withoutAConfiguredListEveryDatasetOnDiskIsManaged() {
        DatasetCatalog catalog = new DatasetCatalog(engine, List.of());

        assertEquals(List.of("a", "b", "gone"), catalog.names(), "data directories and datasets with backups");
        assertTrue(catalog.manages("gone"));
        assertFalse(catalog.manages("c"));
        assertEquals(List.of("a", "b", "gone"), catalog.datasets().stream().map(DatasetEntry::name).toList());
    }

    @Test
    void aConfiguredListIsTheManagedDatasetsWhateverIsOnDisk() {
        DatasetCatalog catalog = new DatasetCatalog(engine, List.of("b", "later"));

        assertEquals(List.of("b", "later"), catalog.names());
        assertFalse(catalog.manages("a"), "a dataset on disk but not configured is not managed");
        assertEquals(Optional.empty(), catalog.dataset("a"));
        DatasetEntry later = catalog.dataset("later").orElseThrow();
        assertFalse(later.dataDirectory());
        assertEquals(List.of(), later.cycles(), "a configured dataset without backups has no cycles");
    }

    @Test
    void cyclesLevelsAndSizesAreThoseOnDisk() throws IOException {
        DatasetEntry a = new DatasetCatalog(engine, List.of()).dataset("a").orElseThrow();

        assertTrue(a.dataDirectory());
        assertEquals(List.of(0L, 1L), a.cycles().stream().map(CycleEntry::cycle).toList());
        CycleEntry zero = a.cycles().get(0);
        Path cycleDir = backupRoot.resolve("a/a_0");
        assertEquals(cycleDir, zero.directory());
        assertEquals(1, zero.lastLevel());
        assertFalse(zero.broken());
        assertEquals(List.of(cycleDir.resolve("a0.tar.gz"), cycleDir.resolve("a1.tar.gz")),
                zero.levels().stream().map(LevelEntry::archive).toList());
        List<String> sums = Files.readAllLines(cycleDir.resolve("SHA256SUMS"));
        for (LevelEntry level : zero.levels()) {
            assertEquals(Files.size(level.archive()), level.size(), level.archive().toString());
            assertEquals(Files.getLastModifiedTime(level.archive()).toInstant(), level.modified());
            assertEquals(sha256(level.archive()), level.sha256(), "the checksum of the archive as it is");
            assertTrue(sums.contains(level.sha256() + "  " + level.archive().getFileName()), sums.toString());
            assertEquals(LevelEntry.ChecksumState.LISTED, level.checksum());
            assertEquals(Optional.empty(), level.lastVerified(), "verifies are not recorded yet");
        }
        assertEquals(Files.size(cycleDir.resolve("a0.tar.gz")) + Files.size(cycleDir.resolve("a1.tar.gz")),
                zero.bytes());
        assertEquals(zero.bytes(), zero.restorableBytes());
        assertEquals(List.of(0), a.cycles().get(1).levels().stream().map(LevelEntry::level).toList());
    }

    @Test
    void aDatasetWhoseDataDirectoryIsGoneIsReportedWithItsBackups() {
        DatasetCatalog catalog = new DatasetCatalog(engine, List.of());

        DatasetEntry gone = catalog.dataset("gone").orElseThrow();
        assertFalse(gone.dataDirectory(), "no directory " + dataRoot.resolve("gone"));
        assertFalse(catalog.hasDataDirectory("gone"));
        assertEquals(1, gone.cycles().size());
        assertEquals(0, gone.cycles().get(0).lastLevel(), "its level 0 is still there to restore");
        assertTrue(catalog.dataset("b").orElseThrow().dataDirectory());
    }

    @Test
    void aLevelLeftOutOfSha256sumsIsUnlisted() throws IOException {
        Path sums = backupRoot.resolve("a/a_1/SHA256SUMS");
        Files.writeString(sums, "");

        DatasetCatalog catalog = new DatasetCatalog(engine, List.of());
        LevelEntry level = catalog.cycles("a").get(1).levels().get(0);
        assertEquals(LevelEntry.ChecksumState.UNLISTED, level.checksum());
        assertEquals(null, level.sha256());
        assertEquals(List.of(LevelVerification.Status.UNLISTED),
                catalog.verify("a", 1L).stream().map(LevelVerification::status).toList());
    }

    @Test
    void verifyReadsEveryArchiveAgainstSha256sums() throws IOException {
        DatasetCatalog catalog = new DatasetCatalog(engine, List.of());
        List<LevelVerification> whole = catalog.verify("a", null);
        assertEquals(List.of("0/0 OK", "0/1 OK", "1/0 OK"), summary(whole));
        assertTrue(whole.get(0).detail().contains(catalog.cycles("a").get(0).levels().get(0).sha256()),
                whole.get(0).detail());

        Path archive = backupRoot.resolve("a/a_0/a1.tar.gz");
        byte[] bytes = Files.readAllBytes(archive);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(archive, bytes);
        assertEquals(List.of("0/0 OK", "0/1 CORRUPT"), summary(catalog.verify("a", 0L)));

        Files.delete(backupRoot.resolve("a/a_0/a0.tar.gz"));
        List<LevelVerification> gap = catalog.verify("a", 0L);
        assertEquals(List.of("0/0 MISSING", "0/1 CORRUPT"), summary(gap));
        CycleEntry broken = catalog.cycles("a").get(0);
        assertTrue(broken.broken());
        assertEquals(List.of(0), broken.missingLevels());
        assertEquals(-1, broken.lastLevel());
        assertEquals(1, broken.highestLevel());
        assertEquals(0, broken.restorableBytes());
        assertEquals(Files.size(archive), broken.bytes(), "the archive after the gap still takes room");
    }

    /**
     * Point in time: dataset {@code a}'s three levels (cycle 0 levels 0 and 1, cycle 1 level 0) get archive times an
     * hour apart; an instant picks the last level completed at or before it, across the cycle boundary.
     */
    @Test
    void levelAtIsTheLastLevelCompletedAtOrBeforeTheInstantAcrossCycles() throws IOException {
        Instant t = Instant.parse("2026-11-28T02:00:00Z");
        completedAt("a/a_0/a0.tar.gz", t);
        completedAt("a/a_0/a1.tar.gz", t.plus(Duration.ofHours(1)));
        completedAt("a/a_1/a0.tar.gz", t.plus(Duration.ofHours(2)));
        DatasetCatalog catalog = new DatasetCatalog(engine, List.of());

        assertEquals("0/0", chosen(catalog, t), "an instant equal to a level's completion takes it");
        assertEquals("0/0", chosen(catalog, t.plus(Duration.ofMinutes(59))));
        assertEquals("0/1", chosen(catalog, t.plus(Duration.ofHours(2)).minusNanos(1)), "just before the boundary");
        assertEquals("1/0", chosen(catalog, t.plus(Duration.ofHours(2))), "the next cycle's level 0");
        assertEquals("1/0", chosen(catalog, t.plus(Duration.ofDays(30))), "after every level: the last");
        CycleLevel level = catalog.levelAt("a", t.plus(Duration.ofMinutes(90)));
        assertEquals(backupRoot.resolve("a/a_0/a1.tar.gz"), level.level().archive());
        assertEquals(t.plus(Duration.ofHours(1)), level.completed());

        BackupException.NoLevelAt before = assertThrows(BackupException.NoLevelAt.class,
                () -> catalog.levelAt("a", t.minusSeconds(1)));
        assertEquals("NO_LEVEL_AT", before.code());
        assertEquals("dataset 'a' has no level completed at or before 2026-11-28T01:59:59Z; its earliest, cycle 0"
                + " level 0, was completed at 2026-11-28T02:00:00Z", before.getMessage());
        BackupException.NoLevelAt none = assertThrows(BackupException.NoLevelAt.class,
                () -> catalog.levelAt("b", t.plus(Duration.ofDays(30))));
        assertEquals("dataset 'b' has no level to restore at 2026-12-28T02:00:00Z: it has no restorable level at"
                + " all", none.getMessage());
    }

    /** A level after a gap cannot be restored, so an instant after it takes the last level before the gap. */
    @Test
    void levelAtNeverChoosesALevelAfterAGap() throws IOException {
        Trees.write(dataRoot.resolve("a/four.txt"), "cycle 1 level 1");
        engine.backup("a");
        Instant t = Instant.parse("2026-11-28T02:00:00Z");
        completedAt("a/a_0/a0.tar.gz", t);
        completedAt("a/a_0/a1.tar.gz", t.plus(Duration.ofHours(1)));
        completedAt("a/a_1/a0.tar.gz", t.plus(Duration.ofHours(2)));
        completedAt("a/a_1/a1.tar.gz", t.plus(Duration.ofHours(3)));
        DatasetCatalog catalog = new DatasetCatalog(engine, List.of());
        assertEquals("1/1", chosen(catalog, t.plus(Duration.ofHours(5))), "the whole chain");

        Files.delete(backupRoot.resolve("a/a_1/a0.tar.gz"));
        assertEquals("0/1", chosen(catalog, t.plus(Duration.ofHours(5))),
                "cycle 1 lost its level 0: its level 1 is after the gap, and cycle 0's last level is taken");
    }

    private void completedAt(String archive, Instant time) throws IOException {
        Files.setLastModifiedTime(backupRoot.resolve(archive), FileTime.from(time));
    }

    private static String chosen(DatasetCatalog catalog, Instant at) {
        CycleLevel level = catalog.levelAt("a", at);
        return level.cycle() + "/" + level.level().level();
    }

    private static List<String> summary(List<LevelVerification> checks) {
        return checks.stream().map(c -> c.cycle() + "/" + c.level() + " " + c.status()).toList();
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
