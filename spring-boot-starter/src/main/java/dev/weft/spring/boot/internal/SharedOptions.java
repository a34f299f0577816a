package dev.weft.spring.boot.internal;

import dev.weft.caching.invalidation.InvalidatorOptions;
import dev.weft.spring.boot.InvalidatorProperties;

/** Copies the options every invalidator shares from {@code weft.<transport>.*} into a transport's options builder. */
final class SharedOptions {

    private SharedOptions() {
    }

    static void apply(String prefix, InvalidatorProperties p, InvalidatorOptions.Builder<?> b) {
        PropertyCheck.apply(prefix + ".publish-mode", p.getPublishMode(), b::publishMode);
        PropertyCheck.apply(prefix + ".publish-timeout", p.getPublishTimeout(), b::publishTimeout);
        PropertyCheck.apply(prefix + ".while-disconnected", p.getWhileDisconnected(), b::whileDisconnected);
        PropertyCheck.apply(prefix + ".max-staleness-while-disconnected", p.getMaxStalenessWhileDisconnected(),
                b::maxStalenessWhileDisconnected);
        PropertyCheck.apply(prefix + ".on-message-loss", p.getOnMessageLoss(), b::onMessageLoss);
        PropertyCheck.apply(prefix + ".reorder-window", p.getReorderWindow(), b::reorderWindow);
        PropertyCheck.apply(prefix + ".max-message-bytes", p.getMaxMessageBytes(), b::maxMessageBytes);
        PropertyCheck.apply(prefix + ".max-pending-operations", p.getMaxPendingOperations(), b::maxPendingOperations);
        PropertyCheck.apply(prefix + ".instance-id-prefix", p.getInstanceIdPrefix(), b::instanceIdPrefix);
    }
}
