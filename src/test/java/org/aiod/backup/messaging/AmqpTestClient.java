package org.aiod.backup.messaging;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.vertx.amqp.AmqpClient;
import io.vertx.amqp.AmqpClientOptions;
import io.vertx.amqp.AmqpConnection;
import io.vertx.amqp.AmqpMessage;
import io.vertx.amqp.AmqpReceiver;
import io.vertx.amqp.AmqpReceiverOptions;
import io.vertx.amqp.AmqpSender;
import io.vertx.amqp.AmqpSenderOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** A plain AMQP client for tests, as an external system would use the broker (Vert.x AMQP client, blocking calls). */
final class AmqpTestClient implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** Where a collected body keeps the AMQP correlation-id of its message (the command's message id). */
    static final String CORRELATION_ID = "_correlationId";

    private final Vertx vertx;
    private final AmqpClient client;
    private AmqpConnection connection;
    private final java.util.Map<String, AmqpSender> senders = new java.util.concurrent.ConcurrentHashMap<>();

    AmqpTestClient(int port) {
        this(port, null, null);
    }

    AmqpTestClient(int port, String username, String password) {
        this.vertx = Vertx.vertx();
        AmqpClientOptions options = new AmqpClientOptions().setHost("localhost").setPort(port)
                .setConnectTimeout(5000).setReconnectAttempts(0);
        if (username != null) {
            options.setUsername(username).setPassword(password);
        }
        this.client = AmqpClient.create(vertx, options);
    }

    /** Connects (again, after the broker restarted). */
    AmqpTestClient connect() {
        senders.clear();
        connection = await(client.connect());
        return this;
    }

    /** Sends a JSON object with content-type application/json; returns the message id. */
    String sendJson(String address, JsonObject body) {
        return send(address, AmqpMessage.create().withJsonObjectAsBody(body));
    }

    /** Sends a string value (JSON text without a content type, or anything). */
    String sendText(String address, String body) {
        return send(address, AmqpMessage.create().withBody(body));
    }

    /** Sends a prepared message builder, adding a durable flag and a fresh message id; returns the id. */
    String send(String address, io.vertx.amqp.AmqpMessageBuilder message) {
        String id = UUID.randomUUID().toString();
        AmqpSender sender = senders.computeIfAbsent(address, a -> await(connection.createSender(a,
                new AmqpSenderOptions().addCapability("queue"))));
        await(sender.sendWithAck(message.id(id).durable(true).build()));
        return id;
    }

    /** Starts collecting the JSON bodies of the messages on {@code address} that {@code filter} accepts. */
    Collector collect(String address, Predicate<JsonObject> filter) {
        return collect(address, "queue", filter);
    }

    /** {@link #collect} from a topic (a MULTICAST address): a subscription of this client's own. */
    Collector subscribe(String address, Predicate<JsonObject> filter) {
        return collect(address, "topic", filter);
    }

    /** Sends a JSON body to a topic (a MULTICAST address), not durable. */
    void publishJson(String address, JsonObject body) {
        AmqpSender sender = senders.computeIfAbsent("topic:" + address, a -> await(connection.createSender(address,
                new AmqpSenderOptions().addCapability("topic"))));
        await(sender.sendWithAck(AmqpMessage.create().withJsonObjectAsBody(body).build()));
    }

    private Collector collect(String address, String capability, Predicate<JsonObject> filter) {
        Collector collector = new Collector(filter);
        collector.receiver = await(connection.createReceiver(address,
                new AmqpReceiverOptions().addCapability(capability).setAutoAcknowledgement(false)));
        collector.receiver.handler(m -> {
            // every message is consumed; only the wanted ones are kept (the queue is shared with other test classes,
            // whose events nobody listens to once they are done)
            try {
                JsonObject body = m.bodyAsJsonObject().copy();
                if (m.correlationId() != null) {
                    body.put(CORRELATION_ID, m.correlationId());
                }
                if (collector.filter.test(body)) {
                    collector.received.add(body);
                }
            } catch (RuntimeException e) {
                // not an event body
            }
            m.accepted();
        });
        return collector;
    }

    /** A receiver keeping the JSON bodies it wants. */
    static final class Collector implements AutoCloseable {
        final List<JsonObject> received = new CopyOnWriteArrayList<>();
        private final Predicate<JsonObject> filter;
        private AmqpReceiver receiver;

        Collector(Predicate<JsonObject> filter) {
            this.filter = filter;
        }

        List<JsonObject> where(Predicate<JsonObject> p) {
            return received.stream().filter(p).toList();
        }

        @Override
        public void close() {
            try {
                receiver.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // the connection may already be gone
            }
        }
    }

    AmqpConnection connection() {
        return connection;
    }

    @Override
    public void close() {
        try {
            if (connection != null) {
                connection.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            // the broker may be gone
        }
        try {
            client.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // idem
        }
        vertx.close();
    }

    static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
