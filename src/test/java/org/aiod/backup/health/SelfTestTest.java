package org.aiod.backup.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up self-test and the startup probe it backs, without Quarkus. */
class SelfTestTest {

    @TempDir
    Path tmp;

    @Test
    void theRoundTripPassesAndLeavesNothingBehind() {
        StartupRoundTrip test = StartupRoundTrip.in(tmp.resolve("scratch"));

        StartupRoundTrip.Result result = test.run();

        assertTrue(result.passed(), result.describe());
        assertNull(result.step());
        assertFalse(Files.exists(test.workDir()), "the scratch directory was not deleted");
    }

    @Test
    void aBackupRootThatCannotBeWrittenFailsTheBackupStepWithTheEnginesReason() throws IOException {
        Path regularFile = Files.writeString(tmp.resolve("not-a-directory"), "x");
        StartupRoundTrip test = StartupRoundTrip.in(tmp.resolve("scratch"))
                .withBackupRoot(regularFile.resolve("backups"));

        StartupRoundTrip.Result result = test.run();

        assertFalse(result.passed());
        assertEquals("backup level 0", result.step());
        assertTrue(result.reason().startsWith("NOT_WRITABLE"), result.reason());
        assertFalse(Files.exists(test.workDir()), "the scratch directory was not deleted");
    }

    @Test
    void aRestoredTreeThatDiffersFailsTheComparisonNamingTheFiles() {
        StartupRoundTrip test = StartupRoundTrip.in(tmp.resolve("scratch")).beforeCompare(restored -> {
            Files.writeString(restored.resolve("keep.txt"), "tampered\n");
            Files.writeString(restored.resolve("delete.txt"), "back from the dead\n");
            Files.delete(restored.resolve("added.txt"));
        });

        StartupRoundTrip.Result result = test.run();

        assertFalse(result.passed());
        assertEquals("compare", result.step());
        assertTrue(result.reason().contains("keep.txt has other content"), result.reason());
        assertTrue(result.reason().contains("added.txt is missing"), result.reason());
        assertTrue(result.reason().contains("delete.txt should not exist"), result.reason());
    }

    @Test
    void aScratchDirectoryThatCannotBeCreatedFailsThePreparation() throws IOException {
        Path regularFile = Files.writeString(tmp.resolve("file"), "x");

        StartupRoundTrip.Result result = StartupRoundTrip.in(regularFile.resolve("scratch")).run();

        assertFalse(result.passed());
        assertEquals("prepare", result.step());
        assertTrue(regularFile.toFile().isFile(), "a failed preparation must not delete what it did not create");
    }

    @Test
    void leftoversOfAKilledRunAreSweptOnlyOnceOld() throws IOException {
        Path parent = tmp.resolve("selftest");
        Path old = Files.createDirectories(parent.resolve("run-old/data"));
        Files.setLastModifiedTime(old.getParent(), FileTime.from(Instant.now().minusSeconds(2 * 3600)));
        Path recent = Files.createDirectories(parent.resolve("run-recent"));

        StartupRoundTrip test = StartupRoundTrip.under(parent);

        assertFalse(Files.exists(old.getParent()));
        assertTrue(Files.exists(recent), "a recent run may be another instance's: left alone");
        assertTrue(test.workDir().startsWith(parent));
    }

    @Test
    void theStartupProbeIsDownWhileRunningAndSaysWhyWhenTheTestFailed() throws IOException {
        SelfTestRunner runner = new SelfTestRunner(null, null);
        assertEquals(HealthCheckResponse.Status.DOWN, SelfTestCheck.response(runner.state()).getStatus());

        HealthCheckResponse running = SelfTestCheck.response(SelfTestRunner.State.running(Instant.now()));
        assertEquals(HealthCheckResponse.Status.DOWN, running.getStatus());
        assertEquals("self-test running", running.getData().orElseThrow().get("reason"));

        Path regularFile = Files.writeString(tmp.resolve("not-a-directory"), "x");
        SelfTestRunner.State failed = runner.run(() -> StartupRoundTrip.in(tmp.resolve("scratch"))
                .withBackupRoot(regularFile.resolve("backups")));
        HealthCheckResponse down = SelfTestCheck.response(runner.state());

        assertEquals(SelfTestRunner.Status.FAILED, failed.status());
        assertEquals(HealthCheckResponse.Status.DOWN, down.getStatus());
        assertEquals("self-test", down.getName());
        String reason = (String) down.getData().orElseThrow().get("reason");
        assertTrue(reason.startsWith("backup level 0 failed: NOT_WRITABLE"), reason);
        assertEquals("FAILED", down.getData().orElseThrow().get("status"));
    }

    @Test
    void theStartupProbeIsUpOnceTheTestPassed() {
        SelfTestRunner runner = new SelfTestRunner(null, null);

        SelfTestRunner.State passed = runner.run(() -> StartupRoundTrip.in(tmp.resolve("scratch")));
        HealthCheckResponse up = SelfTestCheck.response(passed);

        assertEquals(SelfTestRunner.Status.PASSED, passed.status(), passed.reason());
        assertEquals(HealthCheckResponse.Status.UP, up.getStatus());
        assertFalse(up.getData().orElseThrow().containsKey("reason"));
    }

    @Test
    void aSelfTestThatCannotEvenBeBuiltIsAFailureNotAHang() {
        SelfTestRunner runner = new SelfTestRunner(null, null);

        SelfTestRunner.State state = runner.run(() -> {
            throw new IllegalStateException("no backup root configured");
        });

        assertEquals(SelfTestRunner.Status.FAILED, state.status());
        assertTrue(state.reason().contains("no backup root configured"), state.reason());
    }
}
