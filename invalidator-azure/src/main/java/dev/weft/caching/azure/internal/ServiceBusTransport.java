package dev.weft.caching.azure.internal;

import com.azure.core.amqp.models.AmqpMessageBody;
import com.azure.core.amqp.models.AmqpMessageBodyType;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusErrorContext;
import com.azure.messaging.servicebus.ServiceBusProcessorClient;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessageContext;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;
import dev.weft.caching.CachingConfigurationException;
import dev.weft.caching.azure.AzureCacheInvalidatorOptions;
import dev.weft.caching.azure.SubscriptionStrategy;
import dev.weft.caching.invalidation.InvalidationTransport;
import dev.weft.caching.invalidation.ProblemLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Invalidation messages over one Service Bus topic: published with a sender, received on this instance's own
 * subscription in RECEIVE_AND_DELETE mode.
 *
 * <p><b>Receiving.</b> A {@link ServiceBusProcessorClient} rather than the async receiver: the processor owns
 * recovery (it rolls a new message pump when one ends, and reports why to {@code processError}), where a receiver's
 * {@code Flux} simply terminates and would need re-subscribing by hand. RECEIVE_AND_DELETE (no completion round
 * trip; an invalidation lost with a crashing instance dies with its cache anyway), one call at a time (messages
 * are applied in order), and a small prefetch so that a burst does not wait for credit per message.
 *
 * <p><b>Knowing the link is up.</b> The SDK exposes no receive-link state; {@link LinkMonitor} derives it from
 * deliveries and probes, and {@link EchoTracker} finds a competing consumer from this instance's own messages.
 *
 * <p><b>Resources.</b> Everything here was created here and is closed by {@link #close()}: the processor and the
 * sender (one AMQP connection), the scheduler thread, and an auto-created subscription (deleted).
 */
public final class ServiceBusTransport implements InvalidationTransport {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceBusTransport.class);
    private static final ProblemLog PROBLEMS = new ProblemLog(LOG);
    private static final int PREFETCH = 20;
    /** Room left in a batch for the AMQP envelope of one message (properties, annotations, framing). */
    static final int ENVELOPE_BYTES = 2048;

    private final AzureCacheInvalidatorOptions options;
    private final NamespaceAccess access;
    private final SubscriptionProvisioner provisioner;
    private final String strategy;
    private final String origin = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    private final LinkMonitor monitor;
    private final EchoTracker echoes;
    private final CountDownLatch firstDelivery = new CountDownLatch(1);
    private final AtomicBoolean recreating = new AtomicBoolean();
    private final LongAdder probesSent = new LongAdder();
    private final SharedSubscriptionAlarm sharing = new SharedSubscriptionAlarm(this::where);
    private final LongAdder receiveErrors = new LongAdder();
    private final LongAdder nonBinaryBodies = new LongAdder();
    private final LongAdder throttledErrors = new LongAdder();

    private volatile Listener listener;
    private volatile String subscription;
    private volatile TopicSender sender;
    private volatile ServiceBusProcessorClient processor;
    private volatile ScheduledExecutorService scheduler;
    private volatile boolean starting;
    private volatile RuntimeException startFailure;
    private volatile boolean closed;
    private volatile String lastReceiveError = "";

    /** A transport for {@code options}; {@code publishOnly} needs no subscription strategy. */
    public ServiceBusTransport(AzureCacheInvalidatorOptions options, boolean publishOnly) {
        this.options = options;
        this.access = new NamespaceAccess(options.connectionString(), options.fullyQualifiedNamespace(),
                options.credential(), options.topic(), options.retryOptions(), options.clientCustomizer(),
                options.httpClient(), options.messageTimeToLive());
        SubscriptionStrategy s = options.subscription();
        this.strategy = publishOnly ? "publish-only" : String.valueOf(s);
        this.provisioner = publishOnly ? null : provisioner(s);
        this.monitor = new LinkMonitor(options.linkCheckInterval(), options.linkCheckTimeout(), new MonitoredLink());
        this.echoes = new EchoTracker(Math.max(options.reorderWindow().toNanos(), TimeUnit.MILLISECONDS.toNanos(500)),
                options.messageTimeToLive().toNanos());
    }

    private SubscriptionProvisioner provisioner(SubscriptionStrategy s) {
        if (s == null) {
            throw new CachingConfigurationException("AzureCacheInvalidator.create needs a subscription strategy: set "
                    + "subscription(SubscriptionStrategy.existing(name)) or subscription(SubscriptionStrategy"
                    + ".autoCreate()); a publish-only client (AzureCacheInvalidator.publisher) needs none");
        }
        SubscriptionNames names = new SubscriptionNames(options.instanceIdPrefix());
        switch (s.kind()) {
            case EXISTING:
                return new ExistingSubscription(s.name());
            case AUTO_CREATE:
                return new AdministrationSubscriptions(access, names, s.createsTopicIfMissing());
            default:
                return new ResourceManagerSubscriptions(access, names, s.createsTopicIfMissing(),
                        s.azureSubscriptionId(), s.resourceGroup(), s.namespace());
        }
    }

    private String where() {
        return "namespace " + access.namespace() + ", topic '" + access.topic() + "'"
                + (subscription == null ? "" : ", subscription '" + subscription + "'");
    }

    // ---- start ----------------------------------------------------------------------------------------------

    /**
     * Provisions the subscription, opens the sender (a missing topic or Send right fails here), starts the
     * processor and waits until the link delivers, a permanent error shows, or the start timeout passes.
     */
    @Override
    public void start(Listener listener) {
        this.listener = listener;
        starting = true;
        try {
            subscription = provisioner.provision();
            ServiceBusClientBuilder builder = access.clientBuilder();
            openSender(builder);
            processor = builder.processor()
                    .topicName(access.topic())
                    .subscriptionName(subscription)
                    .receiveMode(ServiceBusReceiveMode.RECEIVE_AND_DELETE)
                    .disableAutoComplete()
                    .maxConcurrentCalls(1)
                    .prefetchCount(PREFETCH)
                    .processMessage(this::onDelivery)
                    .processError(this::onError)
                    .buildProcessorClient();
            startScheduler();
            processor.start();
            LOG.info("Receiving invalidations on {} ({}), waiting up to {} for the link", where(), strategy,
                    options.startTimeout());
            awaitFirstDelivery();
        } catch (RuntimeException e) {
            close();
            throw e;
        } finally {
            starting = false;
        }
    }

    private void awaitFirstDelivery() {
        boolean delivered;
        try {
            delivered = firstDelivery.await(options.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CachingConfigurationException("interrupted while starting to receive on " + where(), e);
        }
        if (startFailure != null) {
            throw startFailure;
        }
        if (!delivered) {
            String message = "the receive link on " + where() + " delivered nothing within " + options.startTimeout()
                    + " (not even this instance's probe)" + (lastReceiveError.isEmpty() ? ""
                    : "; last error: " + lastReceiveError);
            if (options.requireConnectionAtStart()) {
                throw new CachingConfigurationException(message + " (set requireConnectionAtStart(false) to start "
                        + "disconnected and keep trying)");
            }
            LOG.warn("{}; starting disconnected, will keep trying", message);
        }
    }

    /** For a publish-only client: opens and checks the sender; nothing is received. */
    public void startPublishing() {
        try {
            openSender(access.clientBuilder());
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Opens the sender and proves it with a probe: {@code createMessageBatch()} alone proves nothing, because the SDK
     * reads the size limit from any attach reply, even one that refuses the link (missing topic, missing Send right)
     * and detaches it at once; only a send shows the refusal. The probe also reaches this instance's subscription,
     * where it is the first delivery that shows the receive link works.
     */
    private void openSender(ServiceBusClientBuilder builder) {
        TopicSender s = new TopicSender(builder.sender().topicName(access.topic()).buildAsyncClient(), origin,
                options.messageTimeToLive());
        sender = s;
        int linkMax = 0;
        long number = s.nextNumber();
        long deadline = System.nanoTime() + options.startTimeout().toNanos();
        long backoffMillis = 20;
        for (boolean sent = false; !sent; ) {
            try {
                Duration left = Duration.ofNanos(Math.max(deadline - System.nanoTime(), 1_000_000L));
                linkMax = s.verify(left);
                probesSent.increment();
                s.send(s.message(number, new byte[0], true)).get(left.toMillis(), TimeUnit.MILLISECONDS);
                sent = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CachingConfigurationException("interrupted while opening the sender on " + where(), e);
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                if (ServiceBusErrors.isLinkClosedBeforeSend(cause)
                        && deadline - System.nanoTime() > TimeUnit.MILLISECONDS.toNanos(backoffMillis)) {
                    // The namespace refused the link (a missing topic, a missing right) and the SDK closed it
                    // before the probe went out; the next attempt opens a new link, and its send reports why.
                    LOG.debug("The send link on {} closed before the probe went out; trying again", where());
                    sleepQuietly(backoffMillis);
                    backoffMillis = Math.min(backoffMillis * 2, 500);
                    continue;
                }
                rejectProbe(cause);
                return;
            }
        }
        if (options.maxMessageBytes() + ENVELOPE_BYTES > linkMax) {
            throw new CachingConfigurationException("maxMessageBytes " + options.maxMessageBytes() + " does not fit "
                    + "the messages of " + access.namespace() + ", which accepts " + linkMax + " bytes per message "
                    + "with its envelope; set maxMessageBytes(" + (linkMax - ENVELOPE_BYTES) + ") or less");
        }
    }

    /** Throws what a failed probe means, or (starting disconnected) only warns; see {@link #openSender}. */
    private void rejectProbe(Throwable cause) {
        if (!ServiceBusErrors.isPermanent(cause) && !options.requireConnectionAtStart()) {
            LOG.warn("Cannot publish on {} yet ({}); will keep trying", where(), ServiceBusErrors.rootMessage(cause));
            return;
        }
        if (!ServiceBusErrors.isPermanent(cause)) {
            throw new CachingConfigurationException("cannot publish invalidations: " + where() + " did not accept "
                    + "a message within " + options.startTimeout() + (cause instanceof TimeoutException ? ""
                    : " (" + ServiceBusErrors.rootMessage(cause) + ")") + " (set requireConnectionAtStart(false) "
                    + "to start disconnected and keep trying)", cause);
        }
        throw new CachingConfigurationException("cannot publish invalidations: "
                + ServiceBusErrors.explain(cause, where(), false, access.authentication()), cause);
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CachingConfigurationException("interrupted while opening the sender", e);
        }
    }

    private void startScheduler() {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "weft-servicebus-" + origin.substring(0, 8));
            t.setDaemon(true);
            return t;
        });
        long period = Math.min(options.linkCheckInterval().toMillis(), options.linkCheckTimeout().toMillis()) / 4;
        period = Math.max(20, Math.min(500, period));
        // the sender's check sent the first probe; the next is due after an interval
        monitor.start(System.nanoTime() + options.linkCheckInterval().toNanos());
        scheduler.scheduleWithFixedDelay(this::tick, 0, period, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            long now = System.nanoTime();
            monitor.tick(now);
            int missing = echoes.expire(now);
            if (missing > 0) {
                sharing.report(missing, now);
            }
        } catch (RuntimeException e) {
            LOG.warn("Link check on {} failed", where(), e);
        }
    }

    // ---- receiving ------------------------------------------------------------------------------------------

    private void onDelivery(ServiceBusReceivedMessageContext context) {
        if (closed) {
            return;
        }
        ServiceBusReceivedMessage message = context.getMessage();
        Map<String, Object> properties = message.getApplicationProperties();
        long now = System.nanoTime();
        monitor.delivered(now);
        if (origin.equals(properties.get(WireProperties.ORIGIN))
                && properties.get(WireProperties.NUMBER) instanceof Number) {
            echoes.echoed(((Number) properties.get(WireProperties.NUMBER)).longValue(), now);
        }
        if (properties.containsKey(WireProperties.PROBE)) {
            return;
        }
        AmqpMessageBody body = message.getRawAmqpMessage().getBody();
        if (body.getBodyType() != AmqpMessageBodyType.DATA) {
            // an AmqpValue or AmqpSequence body, as a JMS or .NET client may send: getBody() would throw, and the
            // SDK would report it as a processing error. It is a message Weft cannot read: counted as malformed.
            nonBinaryBodies.increment();
            PROBLEMS.warn("non-binary-body", "A message on {} has a {} body, not the binary (Data) body of a Weft "
                    + "message (something else publishes on the topic, e.g. a JMS client); counted as malformed and "
                    + "ignored", where(), body.getBodyType());
            listener.onMessage(null);
            return;
        }
        listener.onMessage(message.getBody().toBytes());
    }

    private void onError(ServiceBusErrorContext context) {
        if (closed) {
            return;
        }
        Throwable error = context.getException();
        ServiceBusErrors.Problem problem = ServiceBusErrors.classify(error);
        String explained = ServiceBusErrors.explain(error, where(), true, access.authentication());
        if (starting && problem != ServiceBusErrors.Problem.TRANSIENT) {
            startFailure = new CachingConfigurationException("cannot receive invalidations: " + explained, error);
            firstDelivery.countDown();
            return;
        }
        if (problem == ServiceBusErrors.Problem.THROTTLED) {
            // the namespace is busy, the link is not lost: treating it as lost would clear every instance's cache
            // exactly when the database is under pressure too
            throttledErrors.increment();
            monitor.throttled(System.nanoTime());
            PROBLEMS.warn("receive-throttled", "Service Bus is throttling the receiver on {} ({}); not a lost link, "
                    + "the SDK retries", where(), explained);
            return;
        }
        receiveErrors.increment();
        lastReceiveError = explained;
        if (problem == ServiceBusErrors.Problem.ENTITY_NOT_FOUND) {
            PROBLEMS.error("entity-missing", "{}: invalidations can be neither received nor sent, and the health check "
                    + "reports DOWN{}", explained, provisioner.createdByWeft() ? "; creating it again"
                    : " until it is created again (a pre-provisioned subscription is never created by Weft)");
        } else if (monitor.isUp()) {
            PROBLEMS.warn("receive-error", "Receive error on {} ({}): {}", where(), context.getErrorSource(),
                    explained);
        } else {
            LOG.debug("Receive error on {} ({}): {}", where(), context.getErrorSource(), explained);
        }
        monitor.failed(explained, System.nanoTime());
        if (problem == ServiceBusErrors.Problem.ENTITY_NOT_FOUND && provisioner.createdByWeft()
                && recreating.compareAndSet(false, true)) {
            scheduler.execute(() -> {
                try {
                    if (!closed) {
                        provisioner.recreate();
                    }
                } finally {
                    recreating.set(false);
                }
            });
        }
    }

    /** The monitor's decisions, turned into listener calls and probes. Runs under the monitor's lock. */
    private final class MonitoredLink implements LinkMonitor.Link {
        @Override
        public void subscribed() {
            listener.onSubscribed();
            firstDelivery.countDown();
        }

        @Override
        public void lost(String reason) {
            echoes.forget();
            listener.onDisconnected(reason);
        }

        @Override
        public void probe(boolean judged) {
            TopicSender s = sender;
            if (s == null || closed) {
                return;
            }
            // two probes, one after the other: on a subscription shared round-robin, one of them usually comes
            // back and shows that the other was taken, even on a topic where this instance publishes nothing
            long first = s.nextNumber();
            long second = s.nextNumber();
            if (judged) {
                long now = System.nanoTime();
                echoes.sent(first, now);
                echoes.sent(second, now);
            }
            probesSent.add(2);
            s.send(s.message(first, new byte[0], true)).whenComplete((ok, failure) -> {
                if (failure != null) {
                    echoes.notSent(first);
                    echoes.notSent(second);
                    boolean throttled = ServiceBusErrors.classify(failure) == ServiceBusErrors.Problem.THROTTLED;
                    monitor.probeNotSent(throttled, System.nanoTime());
                    LOG.debug("Probe on {} not sent: {}", where(), failure.toString());
                    return;
                }
                monitor.probeAccepted(System.nanoTime());
                s.send(s.message(second, new byte[0], true)).whenComplete((ok2, failure2) -> {
                    if (failure2 != null) {
                        echoes.notSent(second);
                    }
                });
            });
        }
    }

    // ---- publishing -----------------------------------------------------------------------------------------

    @Override
    public CompletionStage<Void> publish(byte[] message) {
        TopicSender s = sender;
        if (s == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(closed ? "closed" : "not started"));
        }
        long number = s.nextNumber();
        boolean judged = provisioner != null && monitor.isUp();
        if (judged) {
            echoes.sent(number, System.nanoTime());
        }
        return s.send(s.message(number, message, false)).exceptionallyCompose(failure -> {
            echoes.notSent(number);
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (ServiceBusErrors.classify(cause) == ServiceBusErrors.Problem.THROTTLED) {
                monitor.throttled(System.nanoTime());
            }
            return CompletableFuture.failedFuture(cause);
        });
    }

    /** A sender exists (the SDK exposes no connection state: failures tell the rest). */
    @Override
    public boolean canPublish() {
        return sender != null && !closed;
    }

    /**
     * ServerBusy is throttling (invalidations then queue as they are, with a longer back-off, and nothing is
     * collapsed into a clear); a message the namespace refuses for its size becomes a clear; the rest is "down".
     */
    @Override
    public PublishFailure classifyPublishFailure(Throwable failure) {
        if (failure instanceof TopicSender.MessageTooLargeException) {
            return PublishFailure.TOO_LARGE;
        }
        return ServiceBusErrors.classify(failure) == ServiceBusErrors.Problem.THROTTLED ? PublishFailure.THROTTLED
                : PublishFailure.DOWN;
    }

    @Override
    public int maxMessageBytes() {
        return options.maxMessageBytes();
    }

    @Override
    public int maxReceiveBytes() {
        // peers may be configured for a larger tier's messages than this instance sends
        return Math.max(options.maxMessageBytes(), 100 * 1024 * 1024);
    }

    // ---- status and close -----------------------------------------------------------------------------------

    @Override
    public String description() {
        return "azure service bus topic '" + access.topic() + "'" + (subscription == null ? ""
                : ", subscription '" + subscription + "'") + " in " + access.namespace()
                + (provisioner == null ? " (publish only)" : "");
    }

    @Override
    public Map<String, String> details() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("transport", "azure-servicebus");
        d.put("namespace", access.namespace());
        d.put("topic", access.topic());
        d.put("subscription", subscription == null ? "" : subscription);
        d.put("strategy", strategy);
        d.put("subscriptionCreatedByWeft", String.valueOf(provisioner != null && provisioner.createdByWeft()));
        d.put("receiveLink", provisioner == null ? "none" : monitor.state().name());
        d.put("probesSent", String.valueOf(probesSent.sum()));
        d.put("missingOwnMessages", String.valueOf(sharing.missingOwnMessages()));
        d.put("sharedSubscriptionSuspected", String.valueOf(sharing.suspected()));
        d.put("receiveErrors", String.valueOf(receiveErrors.sum()));
        d.put("throttledErrors", String.valueOf(throttledErrors.sum()));
        d.put("nonBinaryBodies", String.valueOf(nonBinaryBodies.sum()));
        d.put("lastReceiveError", lastReceiveError);
        return d;
    }

    /** Stops receiving, closes the clients and the scheduler, deletes an auto-created subscription. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        monitor.close();
        ScheduledExecutorService sch = scheduler;
        if (sch != null) {
            sch.shutdownNow();
        }
        ServiceBusProcessorClient p = processor;
        if (p != null) {
            closeQuietly(p::close, "processor");
        }
        TopicSender s = sender;
        if (s != null) {
            closeQuietly(s::close, "sender");
        }
        if (provisioner != null) {
            provisioner.delete();
        }
    }

    private void closeQuietly(Runnable close, String what) {
        try {
            close.run();
        } catch (RuntimeException e) {
            LOG.warn("Closing the Service Bus {} of {} failed", what, where(), e);
        }
    }
}
