package org.aiod.backup.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.aiod.backup.catalog.CycleEntry;
import org.aiod.backup.catalog.DatasetEntry;
import org.aiod.backup.catalog.LevelEntry;
import org.aiod.backup.catalog.VerifyDepthName;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The dataset views show a gap in a cycle: which levels are missing, and which archives it cuts off. */
class DatasetViewTest {

    @Test
    void aCycleWithAGapShowsTheMissingLevelsAndTheLevelsAfterIt() {
        Path dir = Path.of("/backups/x/x_0");
        LevelEntry zero = new LevelEntry(0, dir.resolve("x0.tar.gz"), 100, Instant.EPOCH, "aa", Optional.empty());
        LevelEntry three = new LevelEntry(3, dir.resolve("x3.tar.gz"), 10, Instant.EPOCH.plusSeconds(3), "bb",
                Optional.empty());
        CycleEntry info = new CycleEntry(0, dir, List.of(zero), List.of(1, 2), List.of(three), 0, 3);
        DatasetEntry dataset = new DatasetEntry("x", true, List.of(info));

        DatasetView.Cycle cycle = DatasetView.of(dataset).cycles().get(0);
        assertEquals(0, cycle.lastLevel());
        assertEquals(List.of(1, 2), cycle.missingLevels());
        assertEquals(List.of("x3.tar.gz"), cycle.levelsAfterGap().stream().map(DatasetView.Level::archive).toList());
        assertEquals(110, cycle.bytes());

        DatasetSummary.Cycle summary = DatasetSummary.of(dataset).cycles().get(0);
        assertEquals(List.of(1, 2), summary.missingLevels());
        assertEquals(1, summary.levels());
    }

    /**
     * The checksum state says what is known, never more: {@code listed} and {@code unlisted} for levels no verify
     * read (the old {@code verified-listed} said "verified" of them), {@code verified} with when and how deep,
     * {@code corrupt} with what was found.
     */
    @Test
    void theChecksumStateIsListedUnlistedVerifiedOrCorrupt() throws Exception {
        Path dir = Path.of("/backups/x/x_0");
        Instant at = Instant.parse("2026-11-30T10:00:00Z");
        LevelEntry listed = new LevelEntry(0, dir.resolve("x0.tar.gz"), 100, Instant.EPOCH, "aa", Optional.empty());
        LevelEntry unlisted = new LevelEntry(1, dir.resolve("x1.tar.gz"), 100, Instant.EPOCH, null, Optional.empty());
        LevelEntry verified = new LevelEntry(2, dir.resolve("x2.tar.gz"), 100, Instant.EPOCH, "cc", Optional.empty(),
                Optional.of(new LevelEntry.LastVerify(at, VerifyDepthName.DRILL, false, "sha256 cc")));
        LevelEntry corrupt = new LevelEntry(3, dir.resolve("x3.tar.gz"), 100, Instant.EPOCH, "dd", Optional.empty(),
                Optional.of(new LevelEntry.LastVerify(at, VerifyDepthName.CHECKSUMS, true,
                        "sha256 ee does not match SHA256SUMS (dd)")));
        CycleEntry info = new CycleEntry(0, dir, List.of(listed, unlisted, verified, corrupt), List.of(), List.of(),
                3, 3);
        DatasetView view = DatasetView.of(new DatasetEntry("x", true, List.of(info)));
        ObjectMapper json = new ObjectMapper().findAndRegisterModules()
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        List<String> levels = view.cycles().get(0).levels().stream().map(l -> {
            try {
                return json.writeValueAsString(l);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();

        assertTrue(levels.get(0).contains("\"checksum\":\"listed\""), levels.get(0));
        assertFalse(levels.get(0).contains("verified"), levels.get(0));
        assertTrue(levels.get(1).contains("\"checksum\":\"unlisted\""), levels.get(1));
        assertFalse(levels.get(1).contains("verified"), levels.get(1));
        assertTrue(levels.get(2).contains("\"checksum\":\"verified\""), levels.get(2));
        assertTrue(levels.get(2).contains("\"verifiedAt\":\"2026-11-30T10:00:00Z\""), levels.get(2));
        assertTrue(levels.get(2).contains("\"verifiedDepth\":\"drill\""), levels.get(2));
        assertFalse(levels.get(2).contains("corruption"), levels.get(2));
        assertTrue(levels.get(3).contains("\"checksum\":\"corrupt\""), levels.get(3));
        assertTrue(levels.get(3).contains("\"corruption\":\"sha256 ee does not match SHA256SUMS (dd)\""),
                levels.get(3));
        assertTrue(levels.get(3).contains("\"verifiedDepth\":\"checksums\""), levels.get(3));
    }
}
