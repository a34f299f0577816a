package dev.weft.benchmarks.invalidation;

/**
 * What went over the wire during one iteration, for the benchmarks' {@code @AuxCounters}: the PUBLISH commands
 * redis-server executed ({@code INFO commandstats}: the same measure for every variant), and for Weft the messages
 * and invalidations its instance A counted as sent ({@code status()}). One benchmark thread takes it when the
 * iteration starts and ends; JMH's ramp-down, a few operations, falls outside, so compare it with the operations
 * counted by the threads as approximate, and Weft's operations per message as exact.
 */
final class WireCount {

    private final PublishingSide side;
    private final long publishes;
    private final long weftMessages;
    private final long weftOperations;

    /** The counts now. */
    WireCount(PublishingSide side) {
        this.side = side;
        this.publishes = side.redis.publishCount();
        this.weftMessages = side.weftMessagesSent();
        this.weftOperations = side.weftOperationsSent();
    }

    /** PUBLISH commands since this count was taken. */
    long publishesSince() {
        return side.redis.publishCount() - publishes;
    }

    /** Messages Weft's A sent since. */
    long weftMessagesSince() {
        return side.weftMessagesSent() - weftMessages;
    }

    /** Invalidations Weft's A sent since. */
    long weftOperationsSince() {
        return side.weftOperationsSent() - weftOperations;
    }
}
