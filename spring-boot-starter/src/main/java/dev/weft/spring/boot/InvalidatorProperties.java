package dev.weft.spring.boot;

import dev.weft.caching.invalidation.OnMessageLoss;
import dev.weft.caching.invalidation.PublishMode;
import dev.weft.caching.invalidation.WhileDisconnected;

import java.time.Duration;

/**
 * The options every invalidator shares, whatever its transport: the {@code InvalidatorOptions} of Weft, under
 * {@code weft.redis.*} and {@code weft.azure.*}. Defaults are Weft's; see docs/redis.md for what each one means.
 */
public abstract class InvalidatorProperties {

    /** When an invalidation returns: await-ack (once the transport accepted it) or fire-and-forget (at once). */
    private PublishMode publishMode = PublishMode.AWAIT_ACK;

    /** How long an await-ack invalidation waits at most; the message stays queued and is sent later. */
    private Duration publishTimeout = Duration.ofSeconds(5);

    /**
     * What the local cache does while the transport is down: serve-local (for at most
     * max-staleness-while-disconnected, then bypass) or bypass-cache (at once).
     */
    private WhileDisconnected whileDisconnected = WhileDisconnected.SERVE_LOCAL;

    /**
     * The bound on staleness after a fault: with serve-local, how long local entries are served during an outage;
     * and within how long a silent instance or another instance's lost last messages are noticed.
     */
    private Duration maxStalenessWhileDisconnected = Duration.ofSeconds(30);

    /** What a sequence gap (lost messages) does: clear-local-cache, or log-only. */
    private OnMessageLoss onMessageLoss = OnMessageLoss.CLEAR_LOCAL_CACHE;

    /** Invalidations queued while the transport is slow or down before they collapse into one "clear everything". */
    private int maxPendingOperations = 100_000;

    /**
     * Prefix of this instance's readable id in logs and status (on Service Bus, also of the names of the subscriptions
     * Weft creates).
     */
    private String instanceIdPrefix = "weft";

    /**
     * How often an instance that published nothing meanwhile says it is alive, with the number of its last message;
     * unset: 5s, or a quarter of max-staleness-while-disconnected when that is less. Use the same value everywhere.
     */
    private Duration heartbeatInterval;

    /**
     * The key every message is signed with (HMAC-SHA256) and every received message must be signed with; unset:
     * messages are neither signed nor checked. At least 16 bytes: its UTF-8 text, or base64:... for binary. The same
     * on every instance and publish-only client; never shown in logs or reports.
     */
    private String messageAuthenticationKey;

    /**
     * Whether the application fails to start when the transport cannot be reached (true), or starts disconnected and
     * keeps trying (false). Configuration errors always fail.
     */
    private boolean requireConnectionAtStart = true;

    public PublishMode getPublishMode() {
        return publishMode;
    }

    public void setPublishMode(PublishMode publishMode) {
        this.publishMode = publishMode;
    }

    public Duration getPublishTimeout() {
        return publishTimeout;
    }

    public void setPublishTimeout(Duration publishTimeout) {
        this.publishTimeout = publishTimeout;
    }

    public WhileDisconnected getWhileDisconnected() {
        return whileDisconnected;
    }

    public void setWhileDisconnected(WhileDisconnected whileDisconnected) {
        this.whileDisconnected = whileDisconnected;
    }

    public Duration getMaxStalenessWhileDisconnected() {
        return maxStalenessWhileDisconnected;
    }

    public void setMaxStalenessWhileDisconnected(Duration maxStalenessWhileDisconnected) {
        this.maxStalenessWhileDisconnected = maxStalenessWhileDisconnected;
    }

    public OnMessageLoss getOnMessageLoss() {
        return onMessageLoss;
    }

    public void setOnMessageLoss(OnMessageLoss onMessageLoss) {
        this.onMessageLoss = onMessageLoss;
    }

    public int getMaxPendingOperations() {
        return maxPendingOperations;
    }

    public void setMaxPendingOperations(int maxPendingOperations) {
        this.maxPendingOperations = maxPendingOperations;
    }

    public String getInstanceIdPrefix() {
        return instanceIdPrefix;
    }

    public void setInstanceIdPrefix(String instanceIdPrefix) {
        this.instanceIdPrefix = instanceIdPrefix;
    }

    public Duration getHeartbeatInterval() {
        return heartbeatInterval;
    }

    public void setHeartbeatInterval(Duration heartbeatInterval) {
        this.heartbeatInterval = heartbeatInterval;
    }

    public String getMessageAuthenticationKey() {
        return messageAuthenticationKey;
    }

    public void setMessageAuthenticationKey(String messageAuthenticationKey) {
        this.messageAuthenticationKey = messageAuthenticationKey;
    }

    public boolean isRequireConnectionAtStart() {
        return requireConnectionAtStart;
    }

    public void setRequireConnectionAtStart(boolean requireConnectionAtStart) {
        this.requireConnectionAtStart = requireConnectionAtStart;
    }

    /** How long a missing sequence number may still arrive out of order; the transport's default when unset. */
    public abstract Duration getReorderWindow();

    /** The largest message sent, in bytes. */
    public abstract int getMaxMessageBytes();
}
