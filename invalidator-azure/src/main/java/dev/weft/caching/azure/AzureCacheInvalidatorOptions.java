package dev.weft.caching.azure;

import com.azure.core.amqp.AmqpRetryOptions;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusConnectionStringProperties;
import dev.weft.caching.CachingConfigurationException;
import dev.weft.caching.invalidation.InvalidatorOptions;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Options of {@link AzureCacheInvalidator}: the shared {@link InvalidatorOptions} plus how to reach the namespace,
 * the topic, the subscription strategy and the Service Bus specifics. Immutable; every setter of the builder
 * validates its value and names it, and {@link Builder#build()} checks how the values fit together.
 *
 * <pre>{@code
 * AzureCacheInvalidatorOptions.builder()
 *     .connectionString(System.getenv("SERVICEBUS_CONNECTION_STRING"))   // or fullyQualifiedNamespace + credential
 *     .topic("cache-invalidation")
 *     .subscription(SubscriptionStrategy.autoCreate())
 *     .build();
 * }</pre>
 *
 * <p>{@link #toString()} never shows the connection string's key.
 */
public final class AzureCacheInvalidatorOptions extends InvalidatorOptions {

    /** Standard tier's message size limit, in bytes. */
    public static final int STANDARD_TIER_MAX_MESSAGE_BYTES = 256 * 1024;
    /**
     * The default {@link #maxMessageBytes()}: Standard's 256 KB less 8 KB for the AMQP envelope and a safety margin
     * (the SDK silently drops a single message within about 1 KB of the limit; Weft sends batches, but keeps the
     * margin).
     */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = STANDARD_TIER_MAX_MESSAGE_BYTES - 8 * 1024;
    /** The default {@link #messageTimeToLive()}: an invalidation older than this is useless. */
    public static final Duration DEFAULT_MESSAGE_TIME_TO_LIVE = Duration.ofMinutes(5);
    /** The default {@link #reorderWindow()}: Service Bus without sessions does not guarantee order. */
    public static final Duration DEFAULT_REORDER_WINDOW = Duration.ofSeconds(2);
    /** The default {@link #linkCheckInterval()}. */
    public static final Duration DEFAULT_LINK_CHECK_INTERVAL = Duration.ofSeconds(10);
    /** The default {@link #linkCheckTimeout()}. */
    public static final Duration DEFAULT_LINK_CHECK_TIMEOUT = Duration.ofSeconds(5);
    /** The default {@link #startTimeout()}. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);

    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/~-]{0,259}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]*(:[0-9]{1,5})?");

    private final String connectionString;
    private final String fullyQualifiedNamespace;
    private final TokenCredential credential;
    private final String topic;
    private final SubscriptionStrategy subscription;
    private final Duration messageTimeToLive;
    private final AmqpRetryOptions retryOptions;
    private final Consumer<ServiceBusClientBuilder> clientCustomizer;
    private final HttpClient httpClient;
    private final Duration linkCheckInterval;
    private final Duration linkCheckTimeout;
    private final Duration startTimeout;
    private final boolean requireConnectionAtStart;

    private AzureCacheInvalidatorOptions(Builder b, String topic) {
        super(b);
        this.connectionString = b.connectionString;
        this.fullyQualifiedNamespace = b.fullyQualifiedNamespace;
        this.credential = b.credential;
        this.topic = topic;
        this.subscription = b.subscription;
        this.messageTimeToLive = b.messageTimeToLive;
        this.retryOptions = new AmqpRetryOptions(b.retryOptions);
        this.clientCustomizer = b.clientCustomizer;
        this.httpClient = b.httpClient;
        this.linkCheckInterval = b.linkCheckInterval;
        this.linkCheckTimeout = b.linkCheckTimeout;
        this.startTimeout = b.startTimeout;
        this.requireConnectionAtStart = b.requireConnectionAtStart;
    }

    /** A builder with every default; a connection (string, or namespace and credential) and a topic are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The connection string (a shared access policy of the namespace or the topic), or {@code null}. */
    public String connectionString() {
        return connectionString;
    }

    /**
     * The namespace's host name, {@code <namespace>.servicebus.windows.net}: as given, or from the connection string.
     */
    public String fullyQualifiedNamespace() {
        return fullyQualifiedNamespace != null ? fullyQualifiedNamespace
                : ServiceBusConnectionStringProperties.parse(connectionString).getFullyQualifiedNamespace();
    }

    /**
     * The credential given with {@link Builder#credential}, or {@code null}: then a connection string authenticates
     * the AMQP connection, and a {@code DefaultAzureCredential} is created when something needs a token (a
     * namespace without a connection string, Resource Manager).
     */
    public TokenCredential credential() {
        return credential;
    }

    /** The topic every instance publishes to: as set, or the connection string's {@code EntityPath}. */
    public String topic() {
        return topic;
    }

    /** How this instance gets its subscription, or {@code null} (enough for a publish-only client). */
    public SubscriptionStrategy subscription() {
        return subscription;
    }

    /** The time-to-live of each message, and the default time-to-live of subscriptions Weft creates. */
    public Duration messageTimeToLive() {
        return messageTimeToLive;
    }

    /** The SDK's retry options for the AMQP connection, links and sends (a copy). */
    public AmqpRetryOptions retryOptions() {
        return new AmqpRetryOptions(retryOptions);
    }

    /** What is applied to the {@code ServiceBusClientBuilder} after Weft's settings, or {@code null}. */
    public Consumer<ServiceBusClientBuilder> clientCustomizer() {
        return clientCustomizer;
    }

    /** The HTTP client of the administration and Resource Manager clients, or {@code null} for azure-core's own. */
    public HttpClient httpClient() {
        return httpClient;
    }

    /**
     * After how long without any message a subscribed instance sends a probe (a small message only Weft transports
     * see) to prove that its receive link still delivers. See {@link Builder#linkCheckInterval(Duration)}.
     */
    public Duration linkCheckInterval() {
        return linkCheckInterval;
    }

    /** How long after a probe without any message coming back the receive link counts as lost. */
    public Duration linkCheckTimeout() {
        return linkCheckTimeout;
    }

    /** How long creating an invalidator waits for its receive link to deliver. */
    public Duration startTimeout() {
        return startTimeout;
    }

    /**
     * Whether creating an invalidator fails when its receive link does not deliver within {@link #startTimeout()}
     * (true, the default), or returns disconnected and keeps trying. Configuration errors (missing entity, wrong
     * key, missing right) always fail.
     */
    public boolean requireConnectionAtStart() {
        return requireConnectionAtStart;
    }

    @Override
    public int maxMessageBytes() {
        int configured = super.maxMessageBytes();
        return configured > 0 ? configured : DEFAULT_MAX_MESSAGE_BYTES;
    }

    @Override
    public String toString() {
        return "AzureCacheInvalidatorOptions{namespace=" + fullyQualifiedNamespace() + ", topic=" + topic
                + ", subscription=" + subscription + ", auth=" + (connectionString != null ? "connection string"
                : credential != null ? "token credential" : "DefaultAzureCredential") + ", messageTimeToLive="
                + messageTimeToLive + ", maxMessageBytes=" + maxMessageBytes() + ", publishMode=" + publishMode()
                + ", whileDisconnected=" + whileDisconnected() + '}';
    }

    /** Builds {@link AzureCacheInvalidatorOptions}. Not thread-safe. */
    public static final class Builder extends InvalidatorOptions.Builder<Builder> {
        private String connectionString;
        private String entityPath;
        private String fullyQualifiedNamespace;
        private TokenCredential credential;
        private String topic;
        private SubscriptionStrategy subscription;
        private Duration messageTimeToLive = DEFAULT_MESSAGE_TIME_TO_LIVE;
        private AmqpRetryOptions retryOptions = new AmqpRetryOptions();
        private Consumer<ServiceBusClientBuilder> clientCustomizer;
        private HttpClient httpClient;
        private Duration linkCheckInterval = DEFAULT_LINK_CHECK_INTERVAL;
        private Duration linkCheckTimeout = DEFAULT_LINK_CHECK_TIMEOUT;
        private Duration startTimeout = DEFAULT_START_TIMEOUT;
        private boolean requireConnectionAtStart = true;

        private Builder() {
            super(DEFAULT_REORDER_WINDOW);
        }

        /**
         * Connects with a shared access policy's connection string (the portal's "Primary Connection String"). An
         * {@code EntityPath=<topic>} in it names the topic when {@link #topic(String)} is not set. Excludes
         * {@link #fullyQualifiedNamespace(String)}.
         *
         * @throws IllegalArgumentException when it is not a Service Bus connection string (the message never shows
         *                                  the key)
         */
        public Builder connectionString(String connectionString) {
            Objects.requireNonNull(connectionString, "connectionString");
            ServiceBusConnectionStringProperties parsed;
            try {
                parsed = ServiceBusConnectionStringProperties.parse(connectionString);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("connectionString is not a Service Bus connection string ("
                        + redact(e.getMessage()) + "); expected Endpoint=sb://<namespace>.servicebus.windows.net/;"
                        + "SharedAccessKeyName=<policy>;SharedAccessKey=<key>[;EntityPath=<topic>]", e);
            }
            this.connectionString = connectionString;
            this.entityPath = parsed.getEntityPath();
            return this;
        }

        /**
         * Connects to this namespace with {@link #credential(TokenCredential)} (or a {@code DefaultAzureCredential}
         * when none is set): the host name, e.g. {@code my-namespace.servicebus.windows.net}.
         */
        public Builder fullyQualifiedNamespace(String namespace) {
            Objects.requireNonNull(namespace, "fullyQualifiedNamespace");
            if (!HOST.matcher(namespace).matches()) {
                throw new IllegalArgumentException("fullyQualifiedNamespace must be a host name such as "
                        + "my-namespace.servicebus.windows.net (no scheme, no path), got \"" + namespace + "\"");
            }
            this.fullyQualifiedNamespace = namespace;
            return this;
        }

        /**
         * The Microsoft Entra credential for the namespace (with {@link #fullyQualifiedNamespace(String)}) and for
         * Resource Manager. Default: a {@code DefaultAzureCredential}, created only if something needs a token.
         */
        public Builder credential(TokenCredential credential) {
            this.credential = Objects.requireNonNull(credential, "credential");
            return this;
        }

        /** The topic: 1 to 260 letters, digits, periods, dashes, underscores or slashes, starting alphanumeric. */
        public Builder topic(String topic) {
            Objects.requireNonNull(topic, "topic");
            if (!TOPIC.matcher(topic).matches()) {
                throw new IllegalArgumentException("topic must be 1 to 260 letters, digits, '.', '-', '_', '~' or '/'"
                        + " starting with a letter or digit, got \"" + topic + "\"");
            }
            this.topic = topic;
            return this;
        }

        /** How this instance gets its own subscription (required by {@code create}, not by {@code publisher}). */
        public Builder subscription(SubscriptionStrategy strategy) {
            this.subscription = Objects.requireNonNull(strategy, "subscription");
            return this;
        }

        /** Time-to-live of each message and of auto-created subscriptions' messages (default 5 min; 1 s to 1 day). */
        public Builder messageTimeToLive(Duration ttl) {
            Objects.requireNonNull(ttl, "messageTimeToLive");
            if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("messageTimeToLive must be between 1 second and 1 day, got " + ttl);
            }
            this.messageTimeToLive = ttl;
            return this;
        }

        /**
         * The SDK's retry options (default: the SDK's). They bound how long one send or link attach is tried; Weft
         * retries a failed publish itself, so short tries are fine. Keep {@code maxDelay} at least {@code delay}
         * plus 4 s (the SDK adds up to 4 s of jitter before capping the delay).
         */
        public Builder retryOptions(AmqpRetryOptions options) {
            Objects.requireNonNull(options, "retryOptions");
            this.retryOptions = new AmqpRetryOptions(options);
            return this;
        }

        /**
         * Applied to the {@code ServiceBusClientBuilder} after Weft's own settings: for a proxy
         * ({@code proxyOptions}), AMQP over WebSockets on port 443 ({@code transportType(AMQP_WEB_SOCKETS)}), a
         * custom endpoint address, client options. It must not change the credentials or the entity.
         */
        public Builder clientCustomizer(Consumer<ServiceBusClientBuilder> customizer) {
            this.clientCustomizer = Objects.requireNonNull(customizer, "clientCustomizer");
            return this;
        }

        /**
         * The HTTP client of the administration client ({@link SubscriptionStrategy#autoCreate()}) and of Resource
         * Manager ({@link SubscriptionStrategy#autoCreateWithResourceManager}): for an HTTP proxy configured on a
         * client of your own, and for tests. Default: azure-core's.
         */
        public Builder httpClient(HttpClient client) {
            this.httpClient = Objects.requireNonNull(client, "httpClient");
            return this;
        }

        /**
         * After how long without any message the receive link is checked with a probe (default 10 s; 100 ms to
         * 10 min). Any message proves the link, so probes go out only when the topic is quiet, and one instance's
         * probe spares the others theirs; a quiet fleet sends about one probe per interval in all.
         */
        public Builder linkCheckInterval(Duration interval) {
            this.linkCheckInterval = between(interval, "linkCheckInterval", Duration.ofMillis(100),
                    Duration.ofMinutes(10));
            return this;
        }

        /** How long after a probe without a message the link counts as lost (default 5 s; 100 ms to 5 min). */
        public Builder linkCheckTimeout(Duration timeout) {
            this.linkCheckTimeout = between(timeout, "linkCheckTimeout", Duration.ofMillis(100),
                    Duration.ofMinutes(5));
            return this;
        }

        /** How long creating an invalidator waits for its receive link (default 30 s; 1 s to 10 min). */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = between(timeout, "startTimeout", Duration.ofSeconds(1), Duration.ofMinutes(10));
            return this;
        }

        /** Whether a receive link that does not deliver within the start timeout fails the creation (default true). */
        public Builder requireConnectionAtStart(boolean require) {
            this.requireConnectionAtStart = require;
            return this;
        }

        /**
         * Builds the options.
         *
         * @throws CachingConfigurationException when no way to connect is set, both are, no topic is named, or the
         *                                       connection string's {@code EntityPath} names another topic
         */
        @Override
        public AzureCacheInvalidatorOptions build() {
            if (connectionString == null && fullyQualifiedNamespace == null) {
                throw new CachingConfigurationException("AzureCacheInvalidatorOptions: set connectionString(...) or "
                        + "fullyQualifiedNamespace(...) (with credential(...), or DefaultAzureCredential)");
            }
            if (connectionString != null && fullyQualifiedNamespace != null) {
                throw new CachingConfigurationException("AzureCacheInvalidatorOptions: set connectionString(...) or "
                        + "fullyQualifiedNamespace(...), not both (the connection string names the namespace)");
            }
            String resolvedTopic = topic;
            if (entityPath != null && !entityPath.isEmpty()) {
                if (topic == null) {
                    resolvedTopic = entityPath;
                } else if (!topic.equals(entityPath)) {
                    throw new CachingConfigurationException("AzureCacheInvalidatorOptions: topic \"" + topic
                            + "\" conflicts with the connection string's EntityPath \"" + entityPath + "\""
                            + (topic.equalsIgnoreCase(entityPath) ? " (they differ in case only, which the SDK "
                            + "refuses)" : "") + "; remove one, or use a namespace-level connection string");
                }
            }
            if (resolvedTopic == null) {
                throw new CachingConfigurationException("AzureCacheInvalidatorOptions: no topic; set topic(...) or "
                        + "use a connection string with EntityPath=<topic>");
            }
            return new AzureCacheInvalidatorOptions(this, resolvedTopic);
        }

        private static Duration between(Duration d, String name, Duration min, Duration max) {
            Objects.requireNonNull(d, name);
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + d);
            }
            return d;
        }
    }

    /** Hides shared access keys and signatures in a message about a connection string. */
    static String redact(String message) {
        return message == null ? "" : message.replaceAll("(?i)(SharedAccessKey|SharedAccessSignature)=[^;]*",
                "$1=***");
    }
}
