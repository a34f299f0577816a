package dev.weft.spring.boot.internal;

import com.azure.core.amqp.AmqpRetryMode;
import com.azure.core.amqp.AmqpRetryOptions;
import com.azure.core.credential.TokenCredential;
import dev.weft.caching.CachingConfigurationException;
import dev.weft.caching.azure.AzureCacheInvalidator;
import dev.weft.caching.azure.AzureCacheInvalidatorOptions;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.spring.boot.AzureInvalidatorCustomizer;
import dev.weft.spring.boot.AzureInvalidatorProperties;
import dev.weft.spring.boot.InvalidWeftPropertyException;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Creates the Azure Service Bus invalidator from {@code weft.azure.*}. The application's {@link TokenCredential}, when
 * there is one, authenticates a namespace without a connection string and Resource Manager; otherwise the options
 * create a {@code DefaultAzureCredential} when something needs a token.
 */
public final class AzureInvalidatorFactory {

    static final String PREFIX = "weft.azure";

    private AzureInvalidatorFactory() {
    }

    /**
     * Validates every property, then provisions or checks the subscription and connects.
     *
     * @param credential the application's credential, or {@code null}
     * @throws InvalidWeftPropertyException naming the property at fault; when Service Bus refuses (missing topic,
     *                                      subscription or right, wrong key), the connection property, with Weft's
     *                                      message naming namespace, topic, subscription and right
     */
    public static CacheInvalidator create(MemoryCachingBackend local, AzureInvalidatorProperties p,
                                          TokenCredential credential, List<AzureInvalidatorCustomizer> customizers) {
        AzureCacheInvalidatorOptions options = options(p, credential, customizers);
        try {
            return AzureCacheInvalidator.create(local, options);
        } catch (CachingConfigurationException e) {
            String connection = p.getConnectionString() != null ? PREFIX + ".connection-string"
                    : PREFIX + ".fully-qualified-namespace";
            throw new InvalidWeftPropertyException(connection, null, e.getMessage(), "Check '" + connection + "', '"
                    + PREFIX + ".topic' and '" + PREFIX + ".subscription.*' against the namespace and the rights "
                    + "the strategy needs (docs/azure.md), or set '" + PREFIX
                    + ".require-connection-at-start=false' when only the network is slow.", e);
        }
    }

    /** The options {@code weft.azure.*} describe, customizers applied last. */
    static AzureCacheInvalidatorOptions options(AzureInvalidatorProperties p, TokenCredential credential,
                                                List<AzureInvalidatorCustomizer> customizers) {
        AzureCacheInvalidatorOptions.Builder b = AzureCacheInvalidatorOptions.builder();
        SharedOptions.apply(PREFIX, p, b);
        connection(p, credential, b);
        if (p.getTopic() != null) {
            PropertyCheck.apply(PREFIX + ".topic", p.getTopic(), b::topic);
        }
        b.subscription(SubscriptionProperties.strategy(p));
        PropertyCheck.apply(PREFIX + ".message-time-to-live", p.getMessageTimeToLive(), b::messageTimeToLive);
        PropertyCheck.apply(PREFIX + ".link-check-interval", p.getLinkCheckInterval(), b::linkCheckInterval);
        PropertyCheck.apply(PREFIX + ".link-check-timeout", p.getLinkCheckTimeout(), b::linkCheckTimeout);
        PropertyCheck.apply(PREFIX + ".start-timeout", p.getStartTimeout(), b::startTimeout);
        b.requireConnectionAtStart(p.isRequireConnectionAtStart());
        b.retryOptions(retryOptions(p.getRetry()));
        customizers.forEach(c -> c.customize(b));
        try {
            return b.build();
        } catch (CachingConfigurationException e) {
            // what build() checks is how topic and connection string fit together
            throw new InvalidWeftPropertyException(PREFIX + ".topic", p.getTopic(), e.getMessage(),
                    "Set '" + PREFIX + ".topic', or use a connection string whose EntityPath names the same topic.", e);
        }
    }

    private static void connection(AzureInvalidatorProperties p, TokenCredential credential,
                                   AzureCacheInvalidatorOptions.Builder b) {
        String cs = p.getConnectionString();
        String fqn = p.getFullyQualifiedNamespace();
        if (cs == null && fqn == null) {
            throw PropertyCheck.missing(PREFIX + ".connection-string", "weft.invalidator.type is azure; set it, or '"
                    + PREFIX + ".fully-qualified-namespace' to connect with Microsoft Entra ID");
        }
        if (cs != null && fqn != null) {
            throw PropertyCheck.conflict(PREFIX + ".fully-qualified-namespace", fqn, "it excludes '" + PREFIX
                    + ".connection-string', which names the namespace already", "Remove one of the two.");
        }
        if (cs != null) {
            PropertyCheck.applySecret(PREFIX + ".connection-string", cs, b::connectionString);
        } else {
            PropertyCheck.apply(PREFIX + ".fully-qualified-namespace", fqn, b::fullyQualifiedNamespace);
        }
        if (credential != null) {
            b.credential(credential);
        }
    }

    private static AmqpRetryOptions retryOptions(AzureInvalidatorProperties.Retry r) {
        AmqpRetryOptions o = new AmqpRetryOptions();
        String prefix = PREFIX + ".retry";
        if (r.getMaxRetries() != null) {
            PropertyCheck.apply(prefix + ".max-retries", r.getMaxRetries(), o::setMaxRetries);
        }
        if (r.getDelay() != null) {
            PropertyCheck.apply(prefix + ".delay", r.getDelay(), positive(prefix + ".delay", o::setDelay));
        }
        if (r.getMaxDelay() != null) {
            PropertyCheck.apply(prefix + ".max-delay", r.getMaxDelay(), positive(prefix + ".max-delay", o::setMaxDelay));
        }
        if (r.getTryTimeout() != null) {
            PropertyCheck.apply(prefix + ".try-timeout", r.getTryTimeout(),
                    positive(prefix + ".try-timeout", o::setTryTimeout));
        }
        if (r.getMode() != null) {
            o.setMode(r.getMode() == AzureInvalidatorProperties.RetryMode.FIXED ? AmqpRetryMode.FIXED
                    : AmqpRetryMode.EXPONENTIAL);
        }
        if (o.getMaxDelay().compareTo(o.getDelay()) < 0) {
            throw PropertyCheck.conflict(prefix + ".max-delay", String.valueOf(o.getMaxDelay()),
                    "it is shorter than '" + prefix + ".delay' (" + o.getDelay() + ")",
                    "Make it at least the delay plus 4 s.");
        }
        return o;
    }

    // the SDK accepts a zero or negative duration here and fails later, inside a retry loop
    private static Consumer<Duration> positive(String property, Consumer<Duration> setter) {
        return d -> {
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(property + " must be positive, got " + d);
            }
            setter.accept(d);
        };
    }
}
