package dev.weft.caching.azure.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Counts this instance's own messages that another consumer received (see {@link EchoTracker}) and says so loudly.
 * One such message is a warning (a link failure can also lose one in transit); from the second on, the subscription
 * counts as shared: an ERROR, repeated at most once a minute while it goes on.
 *
 * <p>Thread-safe: counts are atomic; {@link #report} is called by one thread (the transport's scheduler).
 */
final class SharedSubscriptionAlarm {

    private static final Logger LOG = LoggerFactory.getLogger(SharedSubscriptionAlarm.class);
    private static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Supplier<String> where;
    private final LongAdder missing = new LongAdder();
    private volatile boolean suspected;
    private long lastLogNanos;

    /** @param where names namespace, topic and subscription for the log */
    SharedSubscriptionAlarm(Supplier<String> where) {
        this.where = where;
    }

    /** {@code count} more own messages went to another consumer. */
    void report(int count, long now) {
        missing.add(count);
        long total = missing.sum();
        if (total < 2) {
            LOG.warn("One of this instance's own messages did not come back on {} although a later one did: another "
                    + "consumer may be receiving from this subscription (or a link failure lost it in transit)",
                    where.get());
            return;
        }
        boolean first = !suspected;
        suspected = true;
        if (first || now - lastLogNanos >= LOG_INTERVAL_NANOS) {
            lastLogNanos = now;
            LOG.error("SHARED SUBSCRIPTION: {} of this instance's own messages were received by another consumer of {}."
                    + " Service Bus gives each message of a subscription to one receiver only, so every instance on it "
                    + "misses invalidations (each loss is detected and clears the cache, but the caches are mostly "
                    + "cold). Give each instance its own subscription: a distinct SubscriptionStrategy.existing(name) "
                    + "per instance, or SubscriptionStrategy.autoCreate()", total, where.get());
        }
    }

    /** Own messages received by another consumer so far. */
    long missingOwnMessages() {
        return missing.sum();
    }

    /** Whether the subscription looks shared (two or more own messages went elsewhere). */
    boolean suspected() {
        return suspected;
    }
}
