package org.aiod.backup.notify;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.aiod.backup.job.Job;
import org.aiod.backup.messaging.JobEvent;

/**
 * The bodies of notifications: the completion event (the same {@link JobEvent} JSON as on {@code backup-events}),
 * the one line a person reads, and the HMAC signature of a body.
 */
final class Messages {

    /** The header carrying {@code sha256=<hex>}, the HMAC-SHA256 of the body bytes with the webhook's secret. */
    static final String SIGNATURE_HEADER = "X-Aiod-Signature";

    private final ObjectMapper json;

    Messages(ObjectMapper json) {
        this.json = json;
    }

    /** The completion event of {@code job}, as {@code backup-events} carries it. */
    byte[] event(Job job) {
        try {
            return json.writeValueAsBytes(JobEvent.of(job));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise job " + job.jobId(), e);
        }
    }

    /** {@code {"text": "<line>"}} for a Slack or Mattermost incoming webhook, the line escaped as Slack wants. */
    byte[] slack(Job job) {
        String text = line(job).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        try {
            return json.writeValueAsBytes(Map.of("text", text));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise job " + job.jobId(), e);
        }
    }

    /**
     * One line for a person: {@code aiod-backup: backup of mysql FAILED after 12.4 s (cycle 2, level 3):
     * LOCK_TIMEOUT: <message> [job <id>]}; with the files not taken of a {@code PARTIAL} job, and without a run time
     * for a job that never ran.
     */
    static String line(Job job) {
        StringBuilder line = new StringBuilder("aiod-backup: ")
                .append(job.type() == null ? "job" : job.type().name().toLowerCase(Locale.ROOT))
                .append(" of ").append(job.dataset() == null ? "(no dataset)" : job.dataset()).append(' ')
                .append(job.status());
        if (job.startedAt() != null && job.finishedAt() != null) {
            long millis = Duration.between(job.startedAt(), job.finishedAt()).toMillis();
            line.append(String.format(Locale.ROOT, " after %.1f s", millis / 1000.0));
        }
        if (job.cycle() != null) {
            line.append(" (cycle ").append(job.cycle());
            if (job.level() != null) {
                line.append(", level ").append(job.level());
            }
            line.append(')');
        }
        if (job.missed() != null && job.missed().total() > 0) {
            line.append(", ").append(job.missed().total()).append(" file(s) not taken");
        }
        if (job.error() != null) {
            line.append(": ").append(job.error().code()).append(": ").append(job.error().message());
        }
        return line.append(" [job ").append(job.jobId()).append(']').toString();
    }

    /** {@code sha256=<lower-case hex>}: the HMAC-SHA256 of {@code body} with {@code secret} (UTF-8) as key. */
    static String signature(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }
}
