package org.aiod.backup.notify;

import java.net.URI;
import java.util.Locale;

import org.aiod.backup.config.NotifyConfig.Format;
import org.aiod.backup.config.NotifyConfig.When;

/**
 * One place notifications go.
 *
 * @param name   the metric's {@code target} tag and the name in logs and the wellness check: {@code webhook/<name>} or
 *               {@code healthchecks/<dataset or *>}
 * @param url    where requests go; for a healthchecks check the success URL
 * @param format a webhook's body; {@code null} for a healthchecks check
 * @param secret a webhook's HMAC key, or {@code null} for none
 * @param on     which job ends a webhook is told of; {@code null} for a healthchecks check
 */
record Target(String name, URI url, Format format, String secret, When on) {

    static Target webhook(String name, String url, Format format, String secret, When on) {
        return new Target("webhook/" + name, checked("backup.notify.webhooks.\"" + name + "\".url", url), format,
                secret, on);
    }

    static Target healthcheck(String key, String url) {
        return new Target("healthchecks/" + key, checked("backup.notify.healthchecks.\"" + key + "\".url", url), null,
                null, null);
    }

    /**
     * The URL as logs show it: scheme, host and port only, since the path and query of a webhook or ping URL are
     * often its secret (Slack's and healthchecks' are).
     */
    String shownUrl() {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort()) + "/...";
    }

    private static URI checked(String property, String url) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(property + " is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException(property + " must be an absolute http or https URL with a host");
        }
        return uri;
    }
}
