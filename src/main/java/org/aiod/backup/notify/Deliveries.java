package org.aiod.backup.notify;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.jboss.logging.Logger;

/**
 * Sends notifications on an executor of its own (two daemon threads, which also run the HTTP client's work and
 * time the retries), never on the caller's thread: a job's worker only hands a request over. A request is
 * delivered when it is answered 2xx; any other answer, a refused connection or a timeout is retried up to
 * {@code attempts} in all, waiting {@code backoff}, then twice that, and so on. Each outcome is counted in
 * {@value #NOTIFICATIONS} ({@code backup_notifications_total}), tags {@code target} and {@code outcome} =
 * {@code delivered} | {@code retried} (an attempt that will be made again) | {@code failed} (given up, logged at
 * WARN); a target whose last notification failed stays in {@link #failing()} until one to it is delivered.
 */
final class Deliveries {

    private static final Logger LOG = Logger.getLogger(Deliveries.class);

    static final String NOTIFICATIONS = "backup.notifications";
    /** The longest wait between two attempts, whatever the doubling says. */
    private static final long MAX_BACKOFF_MILLIS = Duration.ofHours(1).toMillis();

    /** A target whose last notification was given up. */
    record Failure(Instant at, String job, String reason) {
    }

    private final int attempts;
    private final Duration backoff;
    private final Duration timeout;
    private final MeterRegistry registry;
    private final ScheduledThreadPoolExecutor executor;
    private final HttpClient http;
    private final Map<String, Failure> failing = new ConcurrentHashMap<>();
    /** Notifications handed over and not yet delivered or given up. */
    private final AtomicInteger pending = new AtomicInteger();

    Deliveries(int attempts, Duration backoff, Duration timeout, MeterRegistry registry) {
        if (attempts < 1) {
            throw new IllegalArgumentException("backup.notify.attempts must be at least 1, not " + attempts);
        }
        if (backoff.isNegative()) {
            throw new IllegalArgumentException("backup.notify.backoff must not be negative: " + backoff);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("backup.notify.timeout must be positive: " + timeout);
        }
        this.attempts = attempts;
        this.backoff = backoff;
        this.timeout = timeout;
        this.registry = registry;
        AtomicInteger threads = new AtomicInteger();
        this.executor = new ScheduledThreadPoolExecutor(2, runnable -> {
            Thread thread = new Thread(runnable, "aiod-notify-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.executor.setRemoveOnCancelPolicy(true);
        this.http = HttpClient.newBuilder().connectTimeout(timeout).executor(executor)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Registers the target's counters at 0, so that an alert on their increase sees the first failure. */
    void register(Target target) {
        for (String outcome : new String[] {"delivered", "retried", "failed"}) {
            counter(target, outcome);
        }
    }

    /**
     * Hands a notification over and returns at once; {@code request} is built on the executor (with the body), its
     * timeout set here. {@code job} names the job in logs.
     */
    void send(Target target, Supplier<HttpRequest.Builder> request, String job) {
        pending.incrementAndGet();
        try {
            executor.execute(() -> {
                HttpRequest built;
                try {
                    built = request.get().timeout(timeout).build();
                } catch (RuntimeException e) {
                    giveUp(target, job, 0, "cannot build the request: " + e);
                    return;
                }
                attempt(target, built, job, 1);
            });
        } catch (RejectedExecutionException e) {
            giveUp(target, job, 0, "the service is stopping");
        }
    }

    private void attempt(Target target, HttpRequest request, String job, int attempt) {
        try {
            http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .whenComplete((response, error) -> answered(target, request, job, attempt,
                            error != null ? describe(error) : success(response.statusCode()) ? null
                                    : "HTTP " + response.statusCode()));
        } catch (RuntimeException e) {
            answered(target, request, job, attempt, describe(e));
        }
    }

    private void answered(Target target, HttpRequest request, String job, int attempt, String problem) {
        if (problem == null) {
            counter(target, "delivered").increment();
            failing.remove(target.name());
            pending.decrementAndGet();
            return;
        }
        if (attempt >= attempts) {
            giveUp(target, job, attempt, problem);
            return;
        }
        counter(target, "retried").increment();
        long delay = Math.min(MAX_BACKOFF_MILLIS, backoff.toMillis() << Math.min(attempt - 1, 30));
        LOG.debugf("notification of job %s to %s (%s): attempt %d of %d: %s; next in %d ms", job, target.name(),
                target.shownUrl(), attempt, attempts, problem, delay);
        try {
            executor.schedule(() -> attempt(target, request, job, attempt + 1), delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            giveUp(target, job, attempt, problem + "; the service is stopping");
        }
    }

    private void giveUp(Target target, String job, int attempt, String problem) {
        counter(target, "failed").increment();
        failing.put(target.name(), new Failure(Instant.now(), job, problem));
        pending.decrementAndGet();
        LOG.warnf("notification of job %s to %s (%s) not delivered after %d attempt(s): %s", job, target.name(),
                target.shownUrl(), attempt, problem);
    }

    /** The targets whose last notification was given up, by name. */
    Map<String, Failure> failing() {
        return Map.copyOf(failing);
    }

    /** Notifications handed over and not yet delivered or given up. */
    int pending() {
        return pending.get();
    }

    /** Stops: what is still pending is not sent, and said so at WARN. */
    void close() {
        executor.shutdownNow();
        int left = pending.get();
        if (left > 0) {
            LOG.warnf("%d notification(s) not delivered: the service stopped while they were being sent", left);
        }
    }

    private Counter counter(Target target, String outcome) {
        return Counter.builder(NOTIFICATIONS)
                .description("Notifications on job end by target and outcome: delivered, retried (an attempt that"
                        + " will be made again), failed (given up after every attempt)")
                .tags("target", target.name(), "outcome", outcome)
                .register(registry);
    }

    private static boolean success(int status) {
        return status >= 200 && status < 300;
    }

    /** The cause that says what went wrong (a refused connection is wrapped in a CompletionException). */
    private static String describe(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof java.util.concurrent.CompletionException
                || cause instanceof java.util.concurrent.ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
