package org.aiod.backup.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

import org.aiod.backup.engine.Phase;
import org.aiod.backup.engine.ProgressListener;

/**
 * The command line's progress of one run, on standard error so that standard output stays the result: on a terminal a
 * bar redrawn in place at most ten times a second ({@code \r}, cleared at the end); otherwise (a pipe, a log, cron) a
 * plain line at most every {@link #PLAIN_INTERVAL_NANOS}, so that a short run prints none and a long one leaves a
 * readable trace. Counts, the totals once the run knows them (marked {@code ~} when estimated), the rate since the run
 * started and the time left at that rate.
 */
final class ProgressLine implements ProgressListener {

    static final long TERMINAL_INTERVAL_NANOS = 100_000_000L;
    static final long PLAIN_INTERVAL_NANOS = 10_000_000_000L;
    private static final int BAR = 24;

    private final PrintStream err;
    private final boolean terminal;
    private final String what;
    private final LongSupplier nanos;
    private final long started;
    private long lastShown;
    private boolean shown;
    private int width;
    private Phase phase;
    private long files;
    private long bytes;
    private long filesTotal = -1;
    private long bytesTotal = -1;
    private boolean estimated;
    /** Restore and verify: bytes are archive bytes read, and the files extracted have no total. */
    private boolean countsArchiveBytes;

    /**
     * @param what     what runs, as the line starts: {@code backup connectors}
     * @param terminal whether standard error is a terminal (a bar redrawn in place) or not (plain lines)
     * @param nanos    the clock, {@link System#nanoTime} but in tests
     */
    ProgressLine(PrintStream err, boolean terminal, String what, LongSupplier nanos) {
        this.err = err;
        this.terminal = terminal;
        this.what = what;
        this.nanos = nanos;
        this.started = nanos.getAsLong();
        this.lastShown = started;
    }

    /** For a run of the command line: a bar when a person watches, plain lines otherwise. */
    static ProgressLine of(PrintStream err, String what) {
        return new ProgressLine(err, System.console() != null, what, System::nanoTime);
    }

    @Override
    public void phase(Phase reached) {
        phase = reached;
        maybeShow();
    }

    @Override
    public void totals(long totalFiles, long totalBytes, boolean estimate) {
        filesTotal = totalFiles;
        bytesTotal = totalBytes;
        estimated = estimate;
        maybeShow();
    }

    @Override
    public void toRead(long archiveBytes) {
        bytesTotal = archiveBytes;
        countsArchiveBytes = true;
        maybeShow();
    }

    @Override
    public void read(long archiveBytes) {
        bytes += archiveBytes;
        maybeShow();
    }

    @Override
    public void removed(long cycle, long removedFiles, long removedBytes) {
        files += removedFiles;
        bytes += removedBytes;
        maybeShow();
    }

    @Override
    public void file(String path, long size) {
        files++;
        if (!countsArchiveBytes) {
            bytes += size;
        }
        maybeShow();
    }

    /** The run ended: a bar is cleared, so that the result starts on a clean line. */
    void done() {
        if (terminal && shown) {
            err.print("\r" + " ".repeat(width) + "\r");
            err.flush();
        }
    }

    private void maybeShow() {
        long now = nanos.getAsLong();
        if (now - lastShown < (terminal ? TERMINAL_INTERVAL_NANOS : PLAIN_INTERVAL_NANOS)) {
            return;
        }
        lastShown = now;
        String line = line(now);
        if (terminal) {
            String padded = line.length() < width ? line + " ".repeat(width - line.length()) : line;
            width = Math.max(width, line.length());
            err.print("\r" + padded);
        } else {
            err.println(line);
        }
        err.flush();
        shown = true;
    }

    /** The line as it reads now. */
    String line(long now) {
        double seconds = Math.max(1e-9, (now - started) / 1e9);
        long rate = (long) (bytes / seconds);
        StringBuilder b = new StringBuilder(what).append(": ");
        if (bytesTotal >= 0) {
            int percent = bytesTotal == 0 ? 100 : (int) Math.min(100, bytes * 100 / bytesTotal);
            if (terminal) {
                int filled = percent * BAR / 100;
                b.append('[').append("#".repeat(filled)).append("-".repeat(BAR - filled)).append("] ");
            }
            String approx = estimated ? "~" : "";
            b.append(percent).append("% ").append(files);
            if (filesTotal >= 0) {
                b.append('/').append(approx).append(filesTotal);
            }
            b.append(" files, ").append(size(bytes)).append(" of ").append(approx).append(size(bytesTotal));
            if (countsArchiveBytes) {
                b.append(" read");
            }
        } else {
            b.append(files).append(" files, ").append(size(bytes));
            if (phase != null) {
                b.append(" (").append(phase.name().toLowerCase(Locale.ROOT).replace('_', ' ')).append(')');
            }
        }
        b.append(", ").append(size(rate)).append("/s");
        if (bytesTotal >= 0 && rate > 0) {
            b.append(", ETA ").append(duration(Math.max(0, bytesTotal - bytes) / rate));
        }
        return b.toString();
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, value < 10 ? "%.1f %s" : "%.0f %s", value, units[unit]);
    }

    static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min " + seconds % 60 + " s";
        }
        return seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
    }
}
