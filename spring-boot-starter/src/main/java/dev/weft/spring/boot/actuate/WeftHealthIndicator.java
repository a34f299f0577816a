package dev.weft.spring.boot.actuate;

import dev.weft.caching.CachingServices;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.invalidation.InvalidatorStatus;
import dev.weft.caching.invalidation.OnMessageLoss;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import java.util.Map;

/**
 * The {@code weft} health contributor: whether this instance's cache can be trusted to be in sync with the others.
 *
 * <ul>
 *   <li><b>UP</b>: no invalidator (one instance, nothing to sync), or the invalidator is connected and has seen no
 *       unrecovered gap.</li>
 *   <li><b>DOWN</b>, with a {@code reason}: the invalidator is connecting or lost its subscription (other instances'
 *       invalidations do not arrive; {@code bypassingCache} tells whether the cache is still served); or, with
 *       {@code on-message-loss=log-only}, messages were lost since the last (re)subscription, which leaves entries
 *       that may be stale (with the default clear-local-cache a gap clears the cache and is recovered at once).</li>
 *   <li><b>OUT_OF_SERVICE</b>: the invalidator is closed (the application is shutting down).</li>
 * </ul>
 *
 * <p>Details: transport, state, instance id, the transport's own facts (channel, or namespace, topic and
 * subscription), messages sent and received, gaps, messages lost, last message times. Thread-safe.
 */
public class WeftHealthIndicator extends AbstractHealthIndicator {

    private final CacheInvalidator invalidator;
    private final OnMessageLoss onMessageLoss;
    private final Object lock = new Object();
    private long subscriptionsSeen = -1;
    private long gapsAtSubscription;

    /**
     * @param invalidator   the invalidator, or {@code null} when there is none
     * @param onMessageLoss what the invalidator does on a gap; with {@code LOG_ONLY} a gap is not recovered until the
     *                      next (re)subscription clears the cache
     */
    public WeftHealthIndicator(CacheInvalidator invalidator, OnMessageLoss onMessageLoss) {
        super("Weft health check failed");
        this.invalidator = invalidator;
        this.onMessageLoss = onMessageLoss;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        builder.withDetail("cachingEnabled", CachingServices.isEnabled());
        if (invalidator == null) {
            builder.up().withDetail("transport", "none");
            return;
        }
        InvalidatorStatus s = invalidator.status();
        details(builder, s);
        long unrecovered = unrecoveredGaps(s);
        switch (s.state()) {
            case CONNECTED, PUBLISH_ONLY -> {
                if (unrecovered > 0) {
                    builder.down().withDetail("reason", unrecovered + " gap(s) since the last subscription, and "
                            + "on-message-loss=log-only keeps the entries they may have invalidated");
                } else {
                    builder.up();
                }
            }
            case CONNECTING -> builder.down().withDetail("reason", "not subscribed yet to " + s.transport()
                    + "; other instances' invalidations do not arrive");
            case DISCONNECTED -> builder.down().withDetail("reason", "lost the subscription to " + s.transport()
                    + " at " + s.stateSince() + "; other instances' invalidations do not arrive"
                    + (s.bypassingCache() ? ", the cache is bypassed" : ", local entries are served for a bounded "
                    + "time"));
            case CLOSED -> builder.outOfService().withDetail("reason", "the invalidator is closed");
            default -> builder.unknown();
        }
    }

    private static void details(Health.Builder b, InvalidatorStatus s) {
        Map<String, String> transport = s.details();
        b.withDetail("transport", transport.getOrDefault("transport", s.transport()))
                .withDetail("state", s.state().name())
                .withDetail("since", String.valueOf(s.stateSince()))
                .withDetail("instanceId", s.instanceId());
        transport.forEach((k, v) -> {
            if (!k.equals("transport")) {
                b.withDetail(k, v);
            }
        });
        b.withDetail("bypassingCache", s.bypassingCache())
                .withDetail("messagesSent", s.messagesSent())
                .withDetail("messagesReceived", s.messagesReceived())
                .withDetail("gapsDetected", s.gapsDetected())
                .withDetail("messagesLost", s.messagesLost())
                .withDetail("malformedMessages", s.malformedMessages())
                .withDetail("unauthenticatedMessages", s.unauthenticatedMessages())
                .withDetail("publishFailures", s.publishFailures())
                .withDetail("publishCircuit", s.publishCircuit().name())
                .withDetail("deferredInvalidations", s.deferredInvalidations())
                .withDetail("pendingOperations", s.pendingOperations())
                .withDetail("knownSenders", s.knownSenders())
                .withDetail("silentSenders", s.silentSenders())
                .withDetail("sendersFallenSilent", s.sendersFallenSilent())
                .withDetail("subscriptions", s.subscriptions());
        // absent until the first message: omitted rather than shown as "null"
        if (s.lastMessageReceived() != null) {
            b.withDetail("lastMessageReceived", s.lastMessageReceived().toString());
        }
        if (s.lastMessageSent() != null) {
            b.withDetail("lastMessageSent", s.lastMessageSent().toString());
        }
    }

    /**
     * Gaps since the last (re)subscription this indicator saw, when they are not recovered by clearing the cache.
     * Every subscription clears the cache, which recovers earlier gaps; a gap and a resubscription between two checks
     * count as recovered.
     */
    private long unrecoveredGaps(InvalidatorStatus s) {
        if (onMessageLoss != OnMessageLoss.LOG_ONLY) {
            return 0;
        }
        synchronized (lock) {
            if (s.subscriptions() != subscriptionsSeen) {
                // before the second subscription, every gap came after the only one there was
                gapsAtSubscription = subscriptionsSeen < 0 && s.subscriptions() <= 1 ? 0 : s.gapsDetected();
                subscriptionsSeen = s.subscriptions();
            }
            return s.gapsDetected() - gapsAtSubscription;
        }
    }
}
