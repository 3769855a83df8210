package org.aiod.backup.health;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code backup.self-test.*}: the start-up self-test. */
@ConfigMapping(prefix = "backup.self-test")
public interface SelfTestConfig {

    /**
     * Whether the service runs a backup and restore round trip in a scratch directory under
     * {@code <state-dir>/selftest} at start-up; the startup probe reports it, and scheduled backups
     * wait for it to pass. Disabled, the startup probe is up at once.
     */
    @WithDefault("true")
    boolean enabled();
}
