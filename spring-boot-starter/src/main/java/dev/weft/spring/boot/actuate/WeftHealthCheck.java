package dev.weft.spring.boot.actuate;

import dev.weft.caching.CachingServices;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.invalidation.InvalidatorStatus;
import dev.weft.caching.invalidation.OnMessageLoss;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The rules of the {@code weft} health contributor, apart from Spring Boot's health types (which moved package between
 * Boot 3 and Boot 4): whether this instance's cache can be trusted to be in sync with the others. Each Boot line's
 * {@code WeftHealthIndicator} reports what {@link #check()} finds.
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
public final class WeftHealthCheck {

    /** A status, named as Spring Boot's {@code Status} codes are. */
    public enum Status { UP, DOWN, OUT_OF_SERVICE, UNKNOWN }

    /** What a check found: the status and the details, in the order they are shown. */
    public record Result(Status status, Map<String, Object> details) {
    }

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
    public WeftHealthCheck(CacheInvalidator invalidator, OnMessageLoss onMessageLoss) {
        this.invalidator = invalidator;
        this.onMessageLoss = onMessageLoss;
    }

    /** Checks the invalidator now. */
    public Result check() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("cachingEnabled", CachingServices.isEnabled());
        if (invalidator == null) {
            details.put("transport", "none");
            return result(Status.UP, details);
        }
        InvalidatorStatus s = invalidator.status();
        details(details, s);
        long unrecovered = unrecoveredGaps(s);
        switch (s.state()) {
            case CONNECTED, PUBLISH_ONLY -> {
                if (unrecovered > 0) {
                    details.put("reason", unrecovered + " gap(s) since the last subscription, and "
                            + "on-message-loss=log-only keeps the entries they may have invalidated");
                    return result(Status.DOWN, details);
                }
                return result(Status.UP, details);
            }
            case CONNECTING -> {
                details.put("reason", "not subscribed yet to " + s.transport()
                        + "; other instances' invalidations do not arrive");
                return result(Status.DOWN, details);
            }
            case DISCONNECTED -> {
                details.put("reason", "lost the subscription to " + s.transport() + " at " + s.stateSince()
                        + "; other instances' invalidations do not arrive"
                        + (s.bypassingCache() ? ", the cache is bypassed" : ", local entries are served for a bounded "
                        + "time"));
                return result(Status.DOWN, details);
            }
            case CLOSED -> {
                details.put("reason", "the invalidator is closed");
                return result(Status.OUT_OF_SERVICE, details);
            }
            default -> {
                return result(Status.UNKNOWN, details);
            }
        }
    }

    private static Result result(Status status, Map<String, Object> details) {
        return new Result(status, Collections.unmodifiableMap(details));
    }

    private static void details(Map<String, Object> d, InvalidatorStatus s) {
        Map<String, String> transport = s.details();
        d.put("transport", transport.getOrDefault("transport", s.transport()));
        d.put("state", s.state().name());
        d.put("since", String.valueOf(s.stateSince()));
        d.put("instanceId", s.instanceId());
        transport.forEach((k, v) -> {
            if (!k.equals("transport")) {
                d.put(k, v);
            }
        });
        d.put("bypassingCache", s.bypassingCache());
        d.put("messagesSent", s.messagesSent());
        d.put("messagesReceived", s.messagesReceived());
        d.put("gapsDetected", s.gapsDetected());
        d.put("messagesLost", s.messagesLost());
        d.put("malformedMessages", s.malformedMessages());
        d.put("unauthenticatedMessages", s.unauthenticatedMessages());
        d.put("publishFailures", s.publishFailures());
        d.put("publishCircuit", s.publishCircuit().name());
        d.put("deferredInvalidations", s.deferredInvalidations());
        d.put("pendingOperations", s.pendingOperations());
        d.put("knownSenders", s.knownSenders());
        d.put("silentSenders", s.silentSenders());
        d.put("sendersFallenSilent", s.sendersFallenSilent());
        d.put("subscriptions", s.subscriptions());
        // absent until the first message: omitted rather than shown as "null"
        if (s.lastMessageReceived() != null) {
            d.put("lastMessageReceived", s.lastMessageReceived().toString());
        }
        if (s.lastMessageSent() != null) {
            d.put("lastMessageSent", s.lastMessageSent().toString());
        }
    }

    /**
     * Gaps since the last (re)subscription this check saw, when they are not recovered by clearing the cache.
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
