package org.aiod.backup.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * {@code backup.notify.*}: who is told when a job ends ({@code org.aiod.backup.notify}). Nothing set: nobody. The
 * service sends them; the command line does not.
 */
@ConfigMapping(prefix = "backup.notify")
public interface NotifyConfig {

    /**
     * Which job ends the webhooks are told of, unless a webhook says otherwise: {@code all} (every finished and
     * every rejected job) or {@code problems} ({@code FAILED}, {@code PARTIAL} and {@code REJECTED} ones). Healthchecks
     * pings ignore it: a check needs the successes too.
     */
    @WithDefault("all")
    When on();

    /** Attempts per notification, the first included; 1: no retry. */
    @WithDefault("5")
    int attempts();

    /** The wait before the first retry of a notification; each further retry waits twice as long as the one before. */
    @WithDefault("1s")
    Duration backoff();

    /** How long one attempt may take to connect, and then to get the answer's status. */
    @WithDefault("10s")
    Duration timeout();

    /**
     * The webhooks, by a name of the operator's ({@code backup.notify.webhooks."<name>".*}); the name is the metric's
     * {@code target} tag ({@code webhook/<name>}).
     */
    Map<String, Webhook> webhooks();

    /**
     * Healthchecks-style checks, by dataset ({@code backup.notify.healthchecks."<dataset>".url}) or for every dataset
     * without one of its own ({@code backup.notify.healthchecks."*".url}): each end of a backup of the dataset pings
     * the URL when it {@code SUCCEEDED}, or {@code <url>/fail} when it ended otherwise.
     */
    Map<String, Healthcheck> healthchecks();

    /** Which job ends a webhook is told of. */
    enum When {
        /** Every job that ends, whatever its status. */
        ALL,
        /** Jobs that need a person: {@code FAILED}, {@code PARTIAL} and {@code REJECTED}. */
        PROBLEMS
    }

    /** What a webhook receives. */
    enum Format {
        /** The completion event, the JSON of {@code backup-events}. */
        JSON,
        /** {@code {"text": "..."}}, one line for a person, as Slack and Mattermost incoming webhooks take it. */
        SLACK
    }

    interface Webhook {
        /** Where the notification is POSTed: an absolute {@code http} or {@code https} URL. */
        String url();

        /** {@code json} (the completion event) or {@code slack} (a line of text). */
        @WithDefault("json")
        Format format();

        /**
         * When set, each request carries {@code X-Aiod-Signature: sha256=<hex>}, the HMAC-SHA256 of the request's
         * body bytes with this secret as key.
         */
        Optional<String> secret();

        /** {@code all} or {@code problems} for this webhook; unset: {@code backup.notify.on}. */
        Optional<When> on();
    }

    interface Healthcheck {
        /** The check's ping URL (e.g. {@code https://hc-ping.com/<uuid>}); failures go to {@code <url>/fail}. */
        String url();
    }
}
