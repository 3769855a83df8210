package org.aiod.backup.notify;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

import org.aiod.backup.config.NotifyConfig;
import org.aiod.backup.config.NotifyConfig.Format;
import org.aiod.backup.config.NotifyConfig.When;
import org.aiod.backup.job.Job;
import org.aiod.backup.job.JobListener;
import org.aiod.backup.job.JobSource;
import org.aiod.backup.job.JobState;
import org.aiod.backup.job.JobType;
import org.jboss.logging.Logger;

/**
 * Tells the configured targets ({@code backup.notify.*}) of each job's end, as a {@link JobListener} of the job
 * service: the worker that ends a job only hands the notifications to {@link Deliveries}, which send them on their
 * own executor with retries, so neither that job nor the next one waits for a receiver.
 *
 * <ul>
 * <li>A webhook gets every job that ends ({@code FAILED} jobs interrupted by a restart included) and every rejected
 * command, or with {@code on=problems} only the {@code FAILED}, {@code PARTIAL} and {@code REJECTED} ones: a POST
 * of the completion event ({@code format=json}, {@code application/json}) or of {@code {"text": "..."}}
 * ({@code format=slack}), with {@code X-Aiod-Signature: sha256=<hex>} when a secret is set.</li>
 * <li>A healthchecks check watches backups: each end of a {@code BACKUP} job of its dataset (a check of its own, else
 * the {@code *} one) POSTs the job's line to its URL when the job {@code SUCCEEDED}, to {@code <url>/fail} when it
 * ended {@code PARTIAL} or {@code FAILED}, or was rejected when the schedule submitted it (a command rejected from a
 * caller was answered to that caller). Other job types do not ping: a verify's success must not hide a missing
 * backup.</li>
 * </ul>
 */
@ApplicationScoped
public class Notifier implements JobListener {

    private static final Logger LOG = Logger.getLogger(Notifier.class);

    /** The healthchecks key of the check for every dataset without one of its own. */
    static final String EVERY_DATASET = "*";

    private final List<Target> webhooks;
    /** By dataset, or {@value #EVERY_DATASET}. */
    private final Map<String, Target> healthchecks;
    private final Messages messages;
    private final Deliveries deliveries;

    @Inject
    Notifier(NotifyConfig config, ObjectMapper json, MeterRegistry registry) {
        this(webhooks(config), healthchecks(config), new Messages(json),
                new Deliveries(config.attempts(), config.backoff(), config.timeout(), registry));
    }

    Notifier(List<Target> webhooks, Map<String, Target> healthchecks, Messages messages, Deliveries deliveries) {
        this.webhooks = List.copyOf(webhooks);
        this.healthchecks = Map.copyOf(healthchecks);
        this.messages = messages;
        this.deliveries = deliveries;
        this.webhooks.forEach(deliveries::register);
        this.healthchecks.values().forEach(deliveries::register);
    }

    /** Built at start-up, so that a wrong URL or setting stops the service before any job runs. */
    void start(@Observes StartupEvent event) {
        if (!webhooks.isEmpty() || !healthchecks.isEmpty()) {
            LOG.infof("notifications: webhooks %s, healthchecks %s",
                    webhooks.stream().map(t -> t.name() + " (" + t.format().name().toLowerCase(java.util.Locale.ROOT) + ", on "
                            + t.on().name().toLowerCase(java.util.Locale.ROOT) + (t.secret() != null ? ", signed" : "") + ")").toList(),
                    healthchecks.keySet());
        }
    }

    @PreDestroy
    void stop() {
        deliveries.close();
    }

    @Override
    public void finished(Job job) {
        notify(job);
    }

    @Override
    public void rejected(Job job) {
        notify(job);
    }

    /** The deliveries of this notifier: what is pending and what failed (for the wellness check). */
    Deliveries deliveries() {
        return deliveries;
    }

    private void notify(Job job) {
        if (job == null || job.status() == null || !job.status().isFinal()) {
            return;
        }
        String about = job.jobId() + " (" + job.type() + " of " + job.dataset() + " " + job.status() + ")";
        for (Target webhook : webhooks) {
            if (webhook.on() == When.ALL || job.status() != JobState.SUCCEEDED) {
                deliveries.send(webhook, () -> webhookRequest(webhook, job), about);
            }
        }
        Target check = healthcheck(job);
        if (check != null) {
            boolean success = job.status() == JobState.SUCCEEDED;
            deliveries.send(check, () -> pingRequest(check, success, job), about);
        }
    }

    /** The healthchecks check {@code job} pings, or {@code null}. */
    private Target healthcheck(Job job) {
        if (job.type() != JobType.BACKUP || job.dataset() == null
                || job.status() == JobState.REJECTED && job.source() != JobSource.SCHEDULE) {
            return null;
        }
        Target own = healthchecks.get(job.dataset());
        return own != null ? own : healthchecks.get(EVERY_DATASET);
    }

    private HttpRequest.Builder webhookRequest(Target webhook, Job job) {
        byte[] body = webhook.format() == Format.SLACK ? messages.slack(job) : messages.event(job);
        HttpRequest.Builder request = HttpRequest.newBuilder(webhook.url())
                .header("Content-Type", "application/json")
                .header("User-Agent", "aiod-backup")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (webhook.secret() != null) {
            request.header(Messages.SIGNATURE_HEADER, Messages.signature(webhook.secret(), body));
        }
        return request;
    }

    private static HttpRequest.Builder pingRequest(Target check, boolean success, Job job) {
        URI url = success ? check.url() : failUrl(check.url());
        return HttpRequest.newBuilder(url)
                .header("Content-Type", "text/plain; charset=utf-8")
                .header("User-Agent", "aiod-backup")
                .POST(HttpRequest.BodyPublishers.ofString(Messages.line(job), StandardCharsets.UTF_8));
    }

    /** {@code <url>/fail}, the healthchecks convention, after the URL's path (before its query, if any). */
    static URI failUrl(URI url) {
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        String failPath = (path.endsWith("/") ? path.substring(0, path.length() - 1) : path) + "/fail";
        return URI.create(url.getScheme() + "://" + url.getRawAuthority() + failPath
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery()));
    }

    private static List<Target> webhooks(NotifyConfig config) {
        List<Target> targets = new ArrayList<>();
        config.webhooks().forEach((name, webhook) -> targets.add(Target.webhook(name, webhook.url(),
                webhook.format(), webhook.secret().filter(s -> !s.isEmpty()).orElse(null),
                webhook.on().orElse(config.on()))));
        return targets;
    }

    private static Map<String, Target> healthchecks(NotifyConfig config) {
        Map<String, Target> targets = new LinkedHashMap<>();
        config.healthchecks().forEach((key, check) -> targets.put(key, Target.healthcheck(key, check.url())));
        return targets;
    }
}
