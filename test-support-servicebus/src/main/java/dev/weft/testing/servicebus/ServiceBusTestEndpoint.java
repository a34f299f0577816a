package dev.weft.testing.servicebus;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import javax.net.ssl.SSLContext;

import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.message.Message;

import dev.weft.testing.servicebus.internal.amqp.Broker;
import dev.weft.testing.servicebus.internal.amqp.EndpointStatistics;
import dev.weft.testing.servicebus.internal.amqp.SubscriptionKey;
import dev.weft.testing.servicebus.internal.TestTlsIdentity;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.proton.ProtonServer;
import io.vertx.proton.ProtonServerOptions;

/**
 * An in-process AMQP 1.0 endpoint on 127.0.0.1 that speaks the part of Azure Service Bus the real
 * {@code azure-messaging-servicebus} SDK uses for topics: SASL ANONYMOUS on plain AMQP, claims-based security
 * ({@code $cbs}, SAS signatures verified against the {@linkplain ServiceBusNamespaceModel model}'s policies),
 * publishing to topics, fan-out into one queue per subscription, receiving in RECEIVE_AND_DELETE and PEEK_LOCK
 * mode with competing consumers, message time-to-live, a subset of {@code $management}, and
 * {@code amqp:not-found} for missing entities.
 *
 * <p>Point the SDK at it with {@link #connectionString()} (it carries {@code UseDevelopmentEmulator=true}, which
 * makes the SDK use plain AMQP and honour the port). Topics and subscriptions must exist in the model before a
 * client attaches (a message published to a topic reaches only the subscriptions that exist at that moment, as in
 * the service). Create them on the model directly or through a {@link FakeServiceBusHttpClient} on the same model.
 *
 * <p>Thread-safe: every method may be called from any thread. All AMQP work runs on one event-loop thread owned by
 * the endpoint; methods that change its state ({@link #publishRaw}, the fault switches) return once the change
 * has been made there. Observability methods read thread-safe counters and never block the event loop.
 * {@link #close()} stops the endpoint and releases its threads; it is idempotent.
 */
public final class ServiceBusTestEndpoint implements AutoCloseable {

    /** The Standard tier's message size limit, the default max-message-size. */
    public static final long STANDARD_MAX_MESSAGE_SIZE = 256 * 1024;
    /** The host the connection strings name; the SDK resolves it to the loopback address the endpoint listens on. */
    public static final String HOST = "localhost";

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private final ServiceBusNamespaceModel model;
    private final Vertx vertx;
    private final ProtonServer server;
    private final Broker broker;
    private final EndpointStatistics statistics;
    private final int port;
    private final boolean tls;
    private volatile boolean closed;

    private ServiceBusTestEndpoint(Builder builder) {
        this.model = builder.model != null ? builder.model : ServiceBusNamespaceModel.create();
        if (model.keys().isEmpty()) {
            model.addKey(SharedAccessKey.generate("RootManageSharedAccessKey", AccessRight.MANAGE));
        }
        // One event loop: every connection, timer and dispatch shares one thread, so the broker needs no locks.
        this.vertx = Vertx.vertx(new VertxOptions()
            .setEventLoopPoolSize(1)
            .setWorkerPoolSize(1)
            .setInternalBlockingPoolSize(1)
            .setFileSystemOptions(new FileSystemOptions()
                .setClassPathResolvingEnabled(false)
                .setFileCachingEnabled(false)));
        try {
            Context context = vertx.getOrCreateContext();
            this.statistics = new EndpointStatistics();
            this.broker = new Broker(vertx, context, model, statistics, builder.clock, builder.maxMessageSize,
                builder.jwtRights);
            ProtonServerOptions options = new ProtonServerOptions().setHost("127.0.0.1").setPort(builder.port);
            if (builder.tls) {
                options.setSsl(true).setKeyCertOptions(new PfxOptions()
                    .setValue(Buffer.buffer(TestTlsIdentity.pkcs12()))
                    .setPassword(TestTlsIdentity.password()));
            }
            this.tls = builder.tls;
            this.server = ProtonServer.create(vertx, options);
            server.connectHandler(broker::accept);
            CompletableFuture<Integer> listening = new CompletableFuture<>();
            context.runOnContext(ignored -> server.listen(result -> {
                if (result.succeeded()) {
                    listening.complete(result.result().actualPort());
                } else {
                    listening.completeExceptionally(result.cause());
                }
            }));
            this.port = await(listening, "listen on 127.0.0.1:" + builder.port);
            model.addListener(broker);
        } catch (RuntimeException e) {
            vertx.close();
            throw e;
        }
    }

    /** Starts an endpoint on a random free port with a fresh model holding one {@code RootManageSharedAccessKey}. */
    public static ServiceBusTestEndpoint start() {
        return builder().start();
    }

    /** Starts configuring an endpoint. */
    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ addressing

    /** The namespace this endpoint serves: entities, policies. Shared with any fake HTTP client built on it. */
    public ServiceBusNamespaceModel model() {
        return model;
    }

    /** The port the endpoint listens on, on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** What the SDK calls the fully qualified namespace for this endpoint: {@value #HOST}. */
    public String fullyQualifiedNamespace() {
        return HOST;
    }

    /** Whether the endpoint speaks AMQP over TLS (see {@link Builder#tls(boolean)}). */
    public boolean isTls() {
        return tls;
    }

    /**
     * The address to give {@code ServiceBusClientBuilder.customEndpointAddress(...)} when connecting with
     * {@code credential(fullyQualifiedNamespace(), tokenCredential)}: that path always uses TLS, so it needs a
     * {@linkplain Builder#tls(boolean) TLS endpoint} and a JVM default {@code SSLContext} that trusts it
     * ({@link #trustingSslContext()}).
     */
    public String customEndpointAddress() {
        return "https://" + HOST + ":" + port;
    }

    /**
     * A client TLS context that trusts the test certificate of TLS endpoints (self-signed, for {@code localhost}).
     * The SDK verifies peers with the JVM's default context, so a test sets this one with
     * {@code SSLContext.setDefault(...)} and restores the previous one afterwards.
     */
    public static SSLContext trustingSslContext() {
        return TestTlsIdentity.trustingClientContext();
    }

    /** A connection string for the model's first policy, without EntityPath. */
    public String connectionString() {
        return connectionString(defaultKey(), null);
    }

    /** A connection string for the model's first policy with {@code ;EntityPath=<entityPath>}. */
    public String connectionString(String entityPath) {
        return connectionString(defaultKey(), Objects.requireNonNull(entityPath, "entityPath"));
    }

    /**
     * A connection string for a given policy (which need not be in the model: a key the model does not know is
     * refused, which is how to test a revoked policy).
     *
     * @param entityPath appended as {@code ;EntityPath=...} unless {@code null}
     */
    public String connectionString(SharedAccessKey key, String entityPath) {
        // The emulator flag is what makes the SDK speak plain AMQP; without it the SDK uses TLS on the same port.
        String value = "Endpoint=sb://" + HOST + ":" + port + ";SharedAccessKeyName=" + key.name()
            + ";SharedAccessKey=" + key.key() + (tls ? "" : ";UseDevelopmentEmulator=true");
        return entityPath == null ? value : value + ";EntityPath=" + entityPath;
    }

    /** A connection string naming the first policy but with a random key: every token it produces is refused. */
    public String connectionStringWithWrongKey() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        SharedAccessKey wrong = SharedAccessKey.of(defaultKey().name(), Base64.getEncoder().encodeToString(secret));
        return connectionString(wrong, null);
    }

    private SharedAccessKey defaultKey() {
        return model.keys().get(0);
    }

    // ------------------------------------------------------------------ injecting messages

    /**
     * Publishes a message as if a client had sent it: a Data body, the given application properties and a random
     * message-id. Use it for what a well-behaved sender would never send (a malformed body, a skipped sequence).
     *
     * @return the message as recorded; it is in every subscription's queue when this returns
     * @throws IllegalArgumentException if the topic does not exist
     */
    public PublishedMessage publishRaw(String topic, byte[] body, Map<String, Object> applicationProperties) {
        Message message = Message.Factory.create();
        message.setMessageId(UUID.randomUUID().toString());
        message.setBody(new Data(new Binary(body.clone())));
        message.setApplicationProperties(new ApplicationProperties(Map.copyOf(applicationProperties)));
        return publish(topic, message);
    }

    /** Like {@link #publishRaw(String, byte[], Map)} with a UTF-8 string body. */
    public PublishedMessage publishRaw(String topic, String body, Map<String, Object> applicationProperties) {
        return publishRaw(topic, body.getBytes(StandardCharsets.UTF_8), applicationProperties);
    }

    /**
     * Publishes a proton-j message exactly as given (header, TTL, annotations, body of any kind). The message
     * must not be used by the caller afterwards.
     */
    public PublishedMessage publish(String topic, Message message) {
        return call(() -> broker.publish(topic, message), "publish to " + topic);
    }

    // ------------------------------------------------------------------ observing

    /** Receiver links attached to a subscription now. */
    public int receiverLinkCount(String topic, String subscription) {
        return statistics.receiverLinks(topic, subscription);
    }

    /**
     * Waits until at least one receiver link is attached to the subscription: a processor's {@code start()}
     * returns before its link attaches, and a message published earlier than that still waits in the queue, but
     * a test usually wants the receiver up before it measures anything.
     *
     * @throws AssertionError if none attaches in time
     */
    public void awaitReceiverAttached(String topic, String subscription, Duration timeout) {
        awaitReceiverLinks(topic, subscription, 1, timeout);
    }

    /** Waits until at least {@code count} receiver links are attached to the subscription. */
    public void awaitReceiverLinks(String topic, String subscription, int count, Duration timeout) {
        awaitOrFail(() -> statistics.receiverLinks(topic, subscription) >= count, timeout,
            count + " receiver link(s) on " + topic + "/subscriptions/" + subscription + " (now "
                + statistics.receiverLinks(topic, subscription) + ")");
    }

    /** Messages the endpoint accepted on a topic from clients and through {@link #publishRaw}. */
    public long acceptedCount(String topic) {
        return statistics.acceptedCount(topic);
    }

    /** A snapshot of the messages accepted on a topic, oldest first. */
    public List<PublishedMessage> publishedMessages(String topic) {
        return statistics.published(topic);
    }

    /** Deliveries made from a subscription (a redelivery counts again). */
    public long deliveredCount(String topic, String subscription) {
        return statistics.deliveredCount(topic, subscription);
    }

    /** Messages dropped from a subscription because their time-to-live had passed. */
    public long expiredCount(String topic, String subscription) {
        return statistics.expiredCount(topic, subscription);
    }

    /** Messages a subscription dead-lettered (rejected, or MaxDeliveryCount reached); they are then dropped. */
    public long deadLetteredCount(String topic, String subscription) {
        return statistics.deadLetteredCount(topic, subscription);
    }

    /** Messages waiting in a subscription, not locked. Reads the event loop's state, so it waits for it briefly. */
    public int availableCount(String topic, String subscription) {
        return call(() -> broker.availableCount(SubscriptionKey.of(topic, subscription)), "count messages");
    }

    /** Messages locked by PEEK_LOCK receivers and not yet settled, renewed away or expired. */
    public int lockedCount(String topic, String subscription) {
        return call(() -> broker.lockedCount(SubscriptionKey.of(topic, subscription)), "count locks");
    }

    /**
     * The requests clients made to the {@code $cbs} and {@code $management} nodes, oldest first, as
     * {@code "$cbs put-token <type> <audience>"} or {@code "<entity>/$management <operation>"}: shows what the SDK
     * does behind an API call.
     */
    public List<String> nodeRequests() {
        return statistics.nodeRequests();
    }

    /** Descriptions of refused tokens and of links refused for a missing claim, oldest first. */
    public List<String> authorizationFailures() {
        return statistics.authorizationFailures();
    }

    /** Transfers refused because they exceeded the max-message-size announced on the publishing link. */
    public long oversizedTransfers() {
        return statistics.oversizedTransfers();
    }

    /** Connections accepted since start (a client that reconnects counts again). */
    public long connectionsAccepted() {
        return statistics.connectionsAccepted();
    }

    /** Client connections open now. */
    public long openConnections() {
        return statistics.openConnections();
    }

    // ------------------------------------------------------------------ faults

    /**
     * Closes every client connection's socket without an AMQP close frame, as a network failure would. The SDK
     * notices, and reconnects on its own schedule (see the module README for timings).
     *
     * @return how many connections were dropped
     */
    public int dropAllConnections() {
        return call(broker::dropAllConnections, "drop connections");
    }

    /**
     * Refuses every new attach of a sender, receiver or management link (not {@code $cbs}) for {@code duration},
     * with {@code com.microsoft:server-busy}, which the SDK treats as transient and retries.
     */
    public void refuseNewLinks(Duration duration) {
        call(() -> {
            broker.refuseLinks(duration, Symbol.valueOf("com.microsoft:server-busy"),
                "The server is busy (refused by the test endpoint). Please retry the operation.");
            return null;
        }, "refuse links");
    }

    /** Switches refusing new links on (until switched off) or off. */
    public void refuseNewLinks(boolean refuse) {
        refuseNewLinks(refuse ? Duration.ofDays(36_500) : Duration.ZERO);
    }

    /**
     * Switches refusing new links on or off, with an error condition of the test's choice instead of ServerBusy, e.g.
     * {@code com.microsoft:timeout} for a namespace that is unavailable rather than busy.
     */
    public void refuseNewLinks(boolean refuse, String condition) {
        call(() -> {
            broker.refuseLinks(refuse ? Duration.ofDays(36_500) : Duration.ZERO, Symbol.valueOf(condition),
                "Refused by the test endpoint (" + condition + ").");
            return null;
        }, "refuse links");
    }

    /**
     * Holds every transfer from senders: not published, not settled, so the senders' sends stay in flight until
     * {@link #releasePublishes()}. Tests use it to make what a sender batches independent of timing.
     */
    public void holdPublishes() {
        call(() -> {
            broker.holdPublishes();
            return null;
        }, "hold publishes");
    }

    /** Publishes and settles the held transfers, in arrival order, and stops holding. */
    public void releasePublishes() {
        call(() -> {
            broker.releasePublishes();
            return null;
        }, "release publishes");
    }

    /**
     * Drops, instead of delivering them, the messages of a subscription whose Data body {@code drop} accepts (it gets
     * {@code null} for a body of another kind): a message lost on its way to one instance. {@code null} stops
     * dropping. The filter runs on the endpoint's event loop.
     */
    public void dropDeliveries(String topic, String subscription, java.util.function.Predicate<byte[]> drop) {
        call(() -> {
            broker.dropDeliveries(SubscriptionKey.of(topic, subscription), drop);
            return null;
        }, "drop deliveries");
    }

    /** Deliveries dropped from a subscription by {@link #dropDeliveries}. */
    public long droppedCount(String topic, String subscription) {
        return statistics.droppedCount(topic, subscription);
    }

    /**
     * While on, every transfer from a sender is refused with {@code com.microsoft:server-busy} (rejected, settled), as
     * a throttled namespace does; the SDK retries it as transient, then fails the send with reason
     * {@code SERVICE_BUSY}.
     */
    public void throttlePublishes(boolean throttle) {
        call(() -> {
            broker.throttlePublishes(throttle);
            return null;
        }, "throttle publishes");
    }

    /** Transfers refused while publishes were throttled. */
    public long throttledTransfers() {
        return statistics.throttledTransfers();
    }

    /** Stops handing messages to receiver links; they keep queueing. */
    public void pauseDelivery() {
        call(() -> {
            broker.pauseDelivery();
            return null;
        }, "pause delivery");
    }

    /** Resumes delivery, dropping whatever expired meanwhile. */
    public void resumeDelivery() {
        call(() -> {
            broker.resumeDelivery();
            return null;
        }, "resume delivery");
    }

    /** Stops listening, drops every connection and releases the endpoint's threads. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        model.removeListener(broker);
        try {
            broker.call(broker::dropAllConnections).get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // closing anyway: the Vert.x instance owns the sockets
        }
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        vertx.close(result -> stopped.complete(null));
        try {
            stopped.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // nothing more to release
        }
    }

    @Override
    public String toString() {
        return "ServiceBusTestEndpoint[" + (tls ? "amqps" : "amqp") + "://127.0.0.1:" + port + "]";
    }

    private <T> T call(java.util.function.Supplier<T> work, String what) {
        if (closed) {
            throw new IllegalStateException("The endpoint is closed; cannot " + what);
        }
        return await(broker.call(work), what);
    }

    private static <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting to " + what, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("Could not " + what, e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Timed out waiting to " + what, e);
        }
    }

    private void awaitOrFail(BooleanSupplier condition, Duration timeout, String what) {
        try {
            if (!statistics.awaitCondition(condition, timeout)) {
                throw new AssertionError("Timed out after " + timeout + " waiting for " + what);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while waiting for " + what, e);
        }
    }

    /** Configures an endpoint; not thread-safe. */
    public static final class Builder {
        private ServiceBusNamespaceModel model;
        private int port;
        private long maxMessageSize = STANDARD_MAX_MESSAGE_SIZE;
        private Set<AccessRight> jwtRights = EnumSet.allOf(AccessRight.class);
        private Clock clock = Clock.systemUTC();
        private boolean tls;

        private Builder() {
        }

        /**
         * Speak AMQP over TLS with a self-signed certificate for {@code localhost} (default: plain AMQP). Needed
         * only for the SDK's {@code TokenCredential} path, which always uses TLS; connection strings of a TLS
         * endpoint leave out {@code UseDevelopmentEmulator}, so the SDK uses TLS with them too. Clients must trust
         * {@link ServiceBusTestEndpoint#trustingSslContext()}.
         */
        public Builder tls(boolean value) {
            this.tls = value;
            return this;
        }

        /** Serve this namespace (default: a new one). A model with no policy gets a RootManageSharedAccessKey. */
        public Builder model(ServiceBusNamespaceModel value) {
            this.model = Objects.requireNonNull(value, "model");
            return this;
        }

        /** Listen on this port; 0 (the default) picks a free one. */
        public Builder port(int value) {
            if (value < 0 || value > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, not " + value);
            }
            this.port = value;
            return this;
        }

        /** The max-message-size announced on publishing links and enforced (default 256 KB, Standard tier). */
        public Builder maxMessageSize(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxMessageSize must be positive, not " + bytes);
            }
            this.maxMessageSize = bytes;
            return this;
        }

        /**
         * The rights a JSON web token (what the SDK puts for a {@code TokenCredential}) receives; the endpoint
         * cannot check a JWT, so it trusts any non-empty one. Default: all. No rights: JWTs are refused (401).
         */
        public Builder jwtRights(AccessRight... rights) {
            this.jwtRights = rights.length == 0 ? EnumSet.noneOf(AccessRight.class) : EnumSet.copyOf(List.of(rights));
            return this;
        }

        /** The clock for enqueued times, time-to-live and token expiry (default: system UTC). */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** Starts listening; returns once the port is bound. */
        public ServiceBusTestEndpoint start() {
            return new ServiceBusTestEndpoint(this);
        }
    }
}
