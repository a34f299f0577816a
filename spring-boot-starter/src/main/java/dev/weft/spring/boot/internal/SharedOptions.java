package dev.weft.spring.boot.internal;

import dev.weft.caching.invalidation.InvalidatorOptions;
import dev.weft.spring.boot.InvalidatorProperties;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

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
        if (p.getHeartbeatInterval() != null) {
            PropertyCheck.apply(prefix + ".heartbeat-interval", p.getHeartbeatInterval(), b::heartbeatInterval);
        }
        if (p.getMessageAuthenticationKey() != null) {
            PropertyCheck.applySecret(prefix + ".message-authentication-key", p.getMessageAuthenticationKey(),
                    key -> b.messageAuthenticationKey(keyBytes(key)));
        }
    }

    /** {@code base64:...} decoded, anything else as its UTF-8 bytes. */
    static byte[] keyBytes(String key) {
        if (key.startsWith("base64:")) {
            try {
                return Base64.getDecoder().decode(key.substring("base64:".length()).trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the base64: form is not valid base64");
            }
        }
        return key.getBytes(StandardCharsets.UTF_8);
    }
}
