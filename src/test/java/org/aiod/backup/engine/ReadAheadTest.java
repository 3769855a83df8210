package org.aiod.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

/** The engine's worker pools: daemon threads named for their work, and failures handed back to the run as they are. */
class ReadAheadTest {

    @Test
    void readsRunOnDaemonScannerThreads() throws Exception {
        Thread reader = ReadAhead.read(Thread::currentThread).get();
        assertEquals("aiod-scan", reader.getName());
        assertTrue(reader.isDaemon(), "a daemon: an engine never needs shutting down");
    }

    @Test
    void writesBehindRunOnDaemonWriterThreadsWhenThereIsMoreThanOneCore() throws Exception {
        assertEquals(Runtime.getRuntime().availableProcessors() >= 2, ReadAhead.canWriteBehind());
        if (ReadAhead.canWriteBehind()) {
            Thread[] writer = new Thread[1];
            ReadAhead.writeBehind(() -> {
                writer[0] = Thread.currentThread();
                return null;
            }).get();
            assertEquals("aiod-restore-writer", writer[0].getName());
            assertTrue(writer[0].isDaemon());
        }
    }

    @Test
    void awaitRethrowsTheWorksOwnFailure() {
        IOException io = new IOException("no such device");
        assertSame(io, assertThrows(IOException.class,
                () -> ReadAhead.await(ReadAhead.read(() -> {
                    throw io;
                }), "reading the dataset")));
        UncheckedIOException runtime = new UncheckedIOException(io);
        assertSame(runtime, assertThrows(UncheckedIOException.class,
                () -> ReadAhead.await(CompletableFuture.failedFuture(runtime), "reading the dataset")));
        AssertionError error = new AssertionError("bug");
        assertSame(error, assertThrows(IOException.class,
                () -> ReadAhead.await(CompletableFuture.failedFuture(error), "reading the dataset")).getCause());
    }

    @Test
    void anInterruptedWaitSaysWhatWasWaitedForAndKeepsTheInterrupt() {
        Future<Void> never = new CompletableFuture<>();
        Thread.currentThread().interrupt();
        InterruptedIOException interrupted = assertThrows(InterruptedIOException.class,
                () -> ReadAhead.await(never, "writing restored files"));
        assertEquals("interrupted while writing restored files", interrupted.getMessage());
        assertTrue(Thread.interrupted(), "the interrupt is kept for the caller (and cleared here)");
    }
}
