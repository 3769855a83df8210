package org.aiod.backup.messaging;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * {@code backup.broker.*}: the embedded AMQP broker, used when no {@code amqp-host} is configured (see
 * {@link EmbeddedBroker}). A mapping of its own since unknown keys under the {@code backup} prefix fail start-up.
 */
@ConfigMapping(prefix = "backup.broker")
public interface BrokerConfig {

    /** {@code false}: never start the embedded broker, even without {@code amqp-host}. */
    @WithDefault("true")
    boolean embedded();

    /** Interface the AMQP acceptor binds; {@code 0.0.0.0} lets other hosts send commands (then set credentials). */
    @WithDefault("localhost")
    String host();

    /** Port of the AMQP acceptor; {@code amqp-port} defaults to it. */
    @WithDefault("5672")
    int port();

    /** Message bytes the broker holds in memory before paging to disk (64 MiB). */
    @WithDefault("67108864")
    long globalMaxSize();
}
