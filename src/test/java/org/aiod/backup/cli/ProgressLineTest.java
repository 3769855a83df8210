package org.aiod.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import org.aiod.backup.engine.Phase;
import org.junit.jupiter.api.Test;

/** The command line's progress: a bar redrawn in place on a terminal, a plain line now and then elsewhere. */
class ProgressLineTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void onATerminalABarIsRedrawnInPlaceWithTotalsRateAndEtaThenCleared() {
        ProgressLine line = new ProgressLine(err, true, "backup connectors", clock::get);
        line.phase(Phase.LOCKED);
        line.totals(4, 4L << 20, true);
        clock.addAndGet(1_000_000_000L);
        line.file("a", 1L << 20); // 1 MiB after 1 s: 25 %, 1 MiB/s, 3 s left
        String shown = printed();
        assertTrue(shown.startsWith("\r"), shown);
        assertEquals("\rbackup connectors: [######------------------] 25% 1/~4 files, 1.0 MiB of ~4.0 MiB, 1.0 MiB/s,"
                + " ETA 3 s", shown);
        clock.addAndGet(50_000_000L);
        line.file("b", 1L << 20);
        assertEquals(shown, printed(), "at most ten redraws a second");
        clock.addAndGet(100_000_000L);
        line.file("c", 1L << 20);
        assertTrue(printed().substring(shown.length()).startsWith("\rbackup connectors: [##################------]"
                + " 75% 3/~4 files"), printed());
        line.done();
        assertTrue(printed().endsWith("\r"), "the bar is cleared before the result is printed");
    }

    @Test
    void elsewhereAShortRunPrintsNothingAndALongOneAPlainLineNowAndThen() {
        ProgressLine line = new ProgressLine(err, false, "restore connectors", clock::get);
        line.phase(Phase.LOCKED);
        line.file("a", 100);
        line.done();
        assertEquals("", printed(), "a run shorter than the interval prints no progress");

        line = new ProgressLine(err, false, "restore connectors", clock::get);
        clock.addAndGet(ProgressLine.PLAIN_INTERVAL_NANOS);
        line.file("b", 2048);
        assertEquals("restore connectors: 1 files, 2.0 KiB, 204 B/s\n", printed());
        clock.addAndGet(1_000_000_000L);
        line.file("c", 1);
        assertEquals(1, printed().lines().count(), "one plain line per interval");
    }

    @Test
    void sizesAndDurationsReadAsAPersonWritesThem() {
        assertEquals("512 B", ProgressLine.size(512));
        assertEquals("1.5 KiB", ProgressLine.size(1536));
        assertEquals("300 MiB", ProgressLine.size(300L << 20));
        assertEquals("42 s", ProgressLine.duration(42));
        assertEquals("2 min 5 s", ProgressLine.duration(125));
        assertEquals("3 h 0 min", ProgressLine.duration(10_800));
    }
}
