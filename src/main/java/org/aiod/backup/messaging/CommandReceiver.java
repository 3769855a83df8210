package org.aiod.backup.messaging;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.aiod.backup.job.JobType;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.amqp.AmqpClient;
import io.vertx.amqp.AmqpClientOptions;
import io.vertx.amqp.AmqpConnection;
import io.vertx.amqp.AmqpMessage;
import io.vertx.amqp.AmqpReceiver;
import io.vertx.amqp.AmqpReceiverOptions;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Receives {@code backup-commands}, {@code restore-commands}, {@code verify-commands} and {@code prune-commands}
 * (one command each: BACKUP, RESTORE, VERIFY, PRUNE) with the Vert.x AMQP client itself, rather than
 * through a SmallRye channel: the SmallRye connector decodes a body sent as {@code application/json} before any
 * application code sees it, and a body that is not JSON is then dropped unsettled, never rejected nor dead-lettered.
 * Here every body reaches {@link CommandConsumer} raw, and every message is settled by it.
 *
 * <p>Each queue has one lane, a thread that handles its messages one at a time in arrival order; the lane's stage
 * completes when the command is queued (or waits while the job queue is full, and the receiver is paused so the
 * broker keeps the rest). The connection is re-established with a back-off, forever; messages not settled when it
 * drops are redelivered by the broker and answered from the journal by their message id.
 */
@ApplicationScoped
public class CommandReceiver {

    private static final Logger LOG = Logger.getLogger(CommandReceiver.class);
    static final String BACKUP_COMMANDS = "backup-commands";
    static final String RESTORE_COMMANDS = "restore-commands";
    static final String VERIFY_COMMANDS = "verify-commands";
    static final String PRUNE_COMMANDS = "prune-commands";
    private static final long MAX_BACKOFF_MILLIS = 10_000;

    private final Vertx vertx;
    private final BrokerSettings broker;
    private final CommandConsumer consumer;
    private final ExecutorService backupLane = lane("backup");
    private final ExecutorService restoreLane = lane("restore");
    private final ExecutorService verifyLane = lane("verify");
    private final ExecutorService pruneLane = lane("prune");
    private AmqpClient client;
    private volatile AmqpConnection connection;
    private volatile boolean connected;
    private volatile boolean stopped;
    private long backoff = 100;

    CommandReceiver(Vertx vertx, BrokerSettings broker, CommandConsumer consumer) {
        this.vertx = vertx;
        this.broker = broker;
        this.consumer = consumer;
    }

    /** After the embedded broker (200) and the job service (500). */
    void start(@Observes @Priority(2000) StartupEvent event) {
        AmqpClientOptions options = new AmqpClientOptions().setHost(broker.host()).setPort(broker.port());
        // on the embedded broker these are the service's own account, else as configured
        broker.clientUsername().ifPresent(options::setUsername);
        broker.clientPassword().ifPresent(options::setPassword);
        client = AmqpClient.create(vertx, options);
        connect();
    }

    void stop(@Observes @Priority(100) ShutdownEvent event) {
        stopped = true;
        backupLane.shutdownNow();
        restoreLane.shutdownNow();
        verifyLane.shutdownNow();
        pruneLane.shutdownNow();
        if (client != null) {
            client.close();
        }
    }

    /** Whether every command queue has a receiver on a live connection (wellness, health/BrokerCheck). */
    public boolean isConnected() {
        return connected;
    }

    private void connect() {
        if (stopped) {
            return;
        }
        client.connect().onSuccess(conn -> {
            connection = conn;
            conn.exceptionHandler(e -> lost(conn, e.getMessage()));
            conn.closeFuture().onComplete(v -> lost(conn, "connection closed"));
            Context context = vertx.getOrCreateContext();
            receive(conn, BACKUP_COMMANDS, JobType.BACKUP, backupLane, context)
                    .compose(v -> receive(conn, RESTORE_COMMANDS, JobType.RESTORE, restoreLane, context))
                    .compose(v -> receive(conn, VERIFY_COMMANDS, JobType.VERIFY, verifyLane, context))
                    .compose(v -> receive(conn, PRUNE_COMMANDS, JobType.PRUNE, pruneLane, context))
                    .onSuccess(v -> {
                        connected = true;
                        backoff = 100;
                        LOG.infof("receiving commands on %s, %s, %s and %s", BACKUP_COMMANDS, RESTORE_COMMANDS,
                                VERIFY_COMMANDS, PRUNE_COMMANDS);
                    })
                    .onFailure(e -> lost(conn, e.getMessage()));
        }).onFailure(e -> retry(e.getMessage()));
    }

    private io.vertx.core.Future<Void> receive(AmqpConnection conn, String address, JobType type,
            ExecutorService lane, Context context) {
        AmqpReceiverOptions options = new AmqpReceiverOptions().setAutoAcknowledgement(false).setDurable(true)
                .setCapabilities(List.of("queue"));
        return conn.createReceiver(address, options).map(receiver -> {
            receiver.exceptionHandler(e -> lost(conn, e.getMessage()));
            receiver.endHandler(v -> lost(conn, address + " receiver closed"));
            receiver.handler(message -> {
                // one message in hand per queue: the broker keeps the others while a command waits for room
                receiver.pause();
                lane.execute(() -> handle(type, message, receiver, conn));
            });
            return null;
        });
    }

    private void handle(JobType type, AmqpMessage message, AmqpReceiver receiver, AmqpConnection conn) {
        try {
            consumer.consume(type, delivery(message)).toCompletableFuture().join();
        } catch (RuntimeException e) {
            LOG.errorf(e, "cannot handle a %s command (left unsettled; redelivered when the link drops)", type);
        } finally {
            if (conn == connection && !stopped) {
                receiver.resume();
            }
        }
    }

    private CommandConsumer.Delivery delivery(AmqpMessage message) {
        Object body = body(message);
        String id = message.id();
        return new CommandConsumer.Delivery() {
            @Override
            public String messageId() {
                return id;
            }

            @Override
            public Object body() {
                return body;
            }

            @Override
            public void accept() {
                message.accepted();
            }

            @Override
            public void reject(String reason) {
                // the reason travels in the REJECTED event; the broker dead-letters the message
                message.rejected();
            }
        };
    }

    /** The raw body: text, bytes, or whatever AMQP value the sender chose (the parser says why it is wrong). */
    static Object body(AmqpMessage message) {
        Object section = message.unwrap().getBody();
        if (section instanceof Data data) {
            Binary binary = data.getValue();
            return binary == null ? new byte[0] : java.util.Arrays.copyOfRange(binary.getArray(),
                    binary.getArrayOffset(), binary.getArrayOffset() + binary.getLength());
        }
        if (section instanceof AmqpValue value) {
            Object v = value.getValue();
            if (v instanceof Binary binary) {
                return java.util.Arrays.copyOfRange(binary.getArray(), binary.getArrayOffset(),
                        binary.getArrayOffset() + binary.getLength());
            }
            return v;
        }
        return section;
    }

    private void lost(AmqpConnection conn, String why) {
        if (conn != connection) {
            return;
        }
        connection = null;
        connected = false;
        conn.close();
        retry(why);
    }

    private void retry(String why) {
        connected = false;
        if (stopped) {
            return;
        }
        LOG.warnf("command receiver: %s; reconnecting in %d ms", why, backoff);
        long delay = backoff;
        backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
        vertx.setTimer(delay, t -> connect());
    }

    private static ExecutorService lane(String name) {
        return Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "amqp-" + name + "-commands");
            thread.setDaemon(true);
            return thread;
        });
    }
}
