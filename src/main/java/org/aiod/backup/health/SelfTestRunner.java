package org.aiod.backup.health;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.StartupEvent;

import org.aiod.backup.config.BackupConfig;
import org.jboss.logging.Logger;

/**
 * Runs the start-up self-test ({@link StartupRoundTrip}) once, on a thread of its own so that start-up does not wait
 * for it, and keeps its state for the startup probe and the scheduler.
 * <p>
 * The scratch directory is {@code <state-dir>/selftest/run-<uuid>} ({@code backup.state-dir}, by default
 * {@code <backup-root>/.aiod-backup}) rather than {@code java.io.tmpdir}: so the test writes, syncs, renames and locks
 * on the file system the real backups use (a temporary directory is often a small tmpfs, or another disk, and would
 * prove nothing about the backup root), and it stays in the service's state directory, where no legacy reader looks.
 */
@ApplicationScoped
public class SelfTestRunner {

    private static final Logger LOG = Logger.getLogger(SelfTestRunner.class);

    /** Where the self-test is. */
    public enum Status {
        /** The application has not started yet. */
        PENDING,
        /** {@code backup.self-test.enabled=false}. */
        DISABLED,
        RUNNING,
        PASSED,
        FAILED
    }

    /**
     * The self-test's state.
     *
     * @param reason why it is not up: still running, or the failed step and its reason; {@code null} otherwise
     */
    public record State(Status status, String reason, Instant startedAt, Instant finishedAt, Long durationMillis) {

        static final State PENDING = new State(Status.PENDING, "the application has not started yet", null, null,
                null);
        static final State DISABLED = new State(Status.DISABLED, null, null, null, null);

        static State running(Instant now) {
            return new State(Status.RUNNING, "self-test running", now, null, null);
        }

        static State finished(Instant startedAt, Instant now, StartupRoundTrip.Result result) {
            return new State(result.passed() ? Status.PASSED : Status.FAILED,
                    result.passed() ? null : result.step() + " failed: " + result.reason(), startedAt, now,
                    result.duration().toMillis());
        }

        /** Whether the probe is up: the self-test passed, or is disabled. */
        public boolean up() {
            return status == Status.PASSED || status == Status.DISABLED;
        }
    }

    private final BackupConfig config;
    private final SelfTestConfig selfTest;
    private final AtomicReference<State> state = new AtomicReference<>(State.PENDING);

    SelfTestRunner(BackupConfig config, SelfTestConfig selfTest) {
        this.config = config;
        this.selfTest = selfTest;
    }

    void start(@Observes StartupEvent event) {
        if (!selfTest.enabled()) {
            state.set(State.DISABLED);
            LOG.info("start-up self-test disabled (backup.self-test.enabled=false)");
            return;
        }
        Path parent = config.selfTestDir();
        state.set(State.running(Instant.now()));
        Thread thread = new Thread(() -> run(() -> StartupRoundTrip.under(parent)), "self-test");
        thread.setDaemon(true);
        thread.start();
    }

    /** Runs a self-test on the calling thread and records its outcome; never throws. */
    State run(Supplier<StartupRoundTrip> test) {
        Instant started = Instant.now();
        state.set(State.running(started));
        State finished;
        try {
            StartupRoundTrip.Result result = test.get().run();
            finished = State.finished(started, Instant.now(), result);
        } catch (RuntimeException | Error e) {
            finished = new State(Status.FAILED, "self-test could not run: " + e, started, Instant.now(), null);
        }
        state.set(finished);
        if (finished.status() == Status.PASSED) {
            LOG.infof("start-up self-test passed in %d ms (backup level 0, level 1 with a deletion, restore, compare)",
                    finished.durationMillis());
        } else {
            LOG.errorf("start-up self-test FAILED: %s; scheduled backups stay suspended", finished.reason());
        }
        return finished;
    }

    public State state() {
        return state.get();
    }
}
