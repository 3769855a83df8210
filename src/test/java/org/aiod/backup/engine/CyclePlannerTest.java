package org.aiod.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The cycle rule alone, as a table: what is on disk and the cycle length in, the next cycle and level out. */
class CyclePlannerTest {

    private static final int LENGTH = 3;
    private static final int[] NONE = {};

    /**
     * Each row: the last cycle's label (null: the dataset has no cycle), its archived levels, whether they can all be
     * read through, whether its snapshot file exists; then the next cycle and level, and a piece of the warning
     * (null: no warning) and whether the rule asked to read the chain through.
     */
    static Stream<Arguments> table() {
        return Stream.of(
                row("no cycle yet: cycle 0, level 0", null, NONE, true, true, 0, 0, null, false),
                row("cycle without a complete level 0: redone from 0", 4L, NONE, true, false, 4, 0, null, false),
                row("level 0 only: continued at 1", 0L, levels(0), true, true, 0, 1, null, true),
                row("continued at its length - 1", 2L, levels(0, 1), true, true, 2, 2, null, true),
                row("full cycle: the next is opened", 2L, levels(0, 1, 2), true, true, 3, 0, null, true),
                row("longer than the length (setting lowered): the next", 7L, levels(0, 1, 2, 3), true, true, 8, 0,
                        null, true),
                row("gap below the last level: never continued, never read", 1L, levels(0, 2), true, true, 2, 0,
                        "missing the archive of level 1 (level 2 exists)", false),
                row("two levels missing: both named", 1L, levels(1, 3), true, true, 2, 0,
                        "missing the archive of levels [0, 2] (level 3 exists)", false),
                row("an archive cannot be read through: the next", 5L, levels(0, 1), false, true, 6, 0, null, true),
                row("unreadable and full: read first, the next", 5L, levels(0, 1, 2), false, true, 6, 0, null, true),
                row("no snapshot file: the next", 3L, levels(0), true, false, 4, 0, "has no snapshot file x.snar",
                        true),
                row("full and no snapshot file: the length decides, no warning", 3L, levels(0, 1, 2), true, false, 4,
                        0, null, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void nextCycleAndLevel(String name, Long label, int[] archived, boolean readable, boolean hasSnapshot,
            long cycle, int level, String warning, boolean readThrough) throws IOException {
        AtomicInteger asked = new AtomicInteger();
        CyclePlanner.LastCycle last = label == null ? null
                : new CyclePlanner.LastCycle(label, archives(archived), "x.snar", hasSnapshot, () -> {
                    asked.incrementAndGet();
                    return readable;
                });

        CyclePlanner.Next next = CyclePlanner.next(last, LENGTH);

        assertEquals(cycle, next.cycle(), name + ": cycle");
        assertEquals(level, next.level(), name + ": level");
        if (warning == null) {
            assertNull(next.warning(), name + ": warning");
        } else {
            assertTrue(next.warning().contains(warning), name + ": warning was " + next.warning());
        }
        assertEquals(readThrough ? 1 : 0, asked.get(), name + ": times the chain was read through");
    }

    @Test
    void aFailureReadingTheChainIsThrownAsIs() {
        IOException failure = new IOException("disk gone");
        CyclePlanner.LastCycle last = new CyclePlanner.LastCycle(0, archives(levels(0)), "x.snar", true, () -> {
            throw failure;
        });
        assertEquals(failure, assertThrows(IOException.class, () -> CyclePlanner.next(last, LENGTH)));
    }

    private static Arguments row(String name, Long label, int[] archived, boolean readable, boolean hasSnapshot,
            long cycle, int level, String warning, boolean readThrough) {
        return Arguments.of(name, label, archived, readable, hasSnapshot, cycle, level, warning, readThrough);
    }

    private static int[] levels(int... levels) {
        return levels;
    }

    private static TreeMap<Integer, Path> archives(int[] levels) {
        TreeMap<Integer, Path> archives = new TreeMap<>();
        IntStream.of(levels).forEach(level -> archives.put(level, Path.of("x" + level + ".tar.gz")));
        return archives;
    }
}
