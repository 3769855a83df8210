package org.aiod.backup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.aiod.backup.config.NotifyConfig.Format;
import org.aiod.backup.config.NotifyConfig.When;
import org.aiod.backup.testing.DeploymentFiles;
import org.junit.jupiter.api.Test;

/**
 * {@code backup.notify.*} as a container reads it: the defaults (nobody notified), and webhooks and checks given as
 * environment variables the way the README spells them ({@code BACKUP_NOTIFY_WEBHOOKS__<NAME>__URL}).
 */
class NotifySettingTest {

    @Test
    void nothingSetNotifiesNobody() {
        NotifyConfig notify = config(Map.of());
        assertEquals(Map.of(), notify.webhooks());
        assertEquals(Map.of(), notify.healthchecks());
        assertEquals(When.ALL, notify.on());
        assertEquals(5, notify.attempts());
        assertEquals(Duration.ofSeconds(1), notify.backoff());
        assertEquals(Duration.ofSeconds(10), notify.timeout());
    }

    @Test
    void webhooksAndChecksComeFromTheEnvironmentAsTheReadmeSpellsThem() {
        NotifyConfig notify = config(Map.of(
                "BACKUP_NOTIFY_ON", "problems",
                "BACKUP_NOTIFY_BACKOFF", "500ms",
                "BACKUP_NOTIFY_WEBHOOKS__OPS__URL", "https://ops.example.org/hook",
                "BACKUP_NOTIFY_WEBHOOKS__OPS__SECRET", "s3cret",
                "BACKUP_NOTIFY_WEBHOOKS__CHAT__URL", "https://chat.example.org/hooks/abc",
                "BACKUP_NOTIFY_WEBHOOKS__CHAT__FORMAT", "slack",
                "BACKUP_NOTIFY_WEBHOOKS__CHAT__ON", "all",
                "BACKUP_NOTIFY_HEALTHCHECKS__MYSQL__URL", "https://hc-ping.com/uuid"));
        assertEquals(When.PROBLEMS, notify.on());
        assertEquals(Duration.ofMillis(500), notify.backoff());
        assertEquals(java.util.Set.of("ops", "chat"), notify.webhooks().keySet());
        NotifyConfig.Webhook ops = notify.webhooks().get("ops");
        assertEquals("https://ops.example.org/hook", ops.url());
        assertEquals(Format.JSON, ops.format());
        assertEquals(Optional.of("s3cret"), ops.secret());
        assertTrue(ops.on().isEmpty(), "falls back to backup.notify.on");
        NotifyConfig.Webhook chat = notify.webhooks().get("chat");
        assertEquals(Format.SLACK, chat.format());
        assertEquals(Optional.of(When.ALL), chat.on());
        assertEquals(Map.of("mysql", "https://hc-ping.com/uuid"), Map.of("mysql",
                notify.healthchecks().get("mysql").url()));
    }

    private static NotifyConfig config(Map<String, String> env) {
        return DeploymentFiles.config(env, NotifyConfig.class).getConfigMapping(NotifyConfig.class);
    }
}
