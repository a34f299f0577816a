package dev.weft.spring.boot;

import java.time.Duration;

/**
 * {@code weft.azure.*}: the Azure Service Bus invalidator, used when {@code weft.invalidator.type=azure}. Connect with
 * {@code connection-string}, or with {@code fully-qualified-namespace} and Microsoft Entra ID: the application's
 * {@code TokenCredential} bean when it defines exactly one, else a {@code DefaultAzureCredential}.
 */
public class AzureInvalidatorProperties extends InvalidatorProperties {

    /**
     * A shared access policy's connection string; an EntityPath=<topic> in it names the topic. Excludes
     * fully-qualified-namespace.
     */
    private String connectionString;

    /** The namespace's host name, <namespace>.servicebus.windows.net, authenticated with Entra ID. */
    private String fullyQualifiedNamespace;

    /** The topic every instance publishes to; optional when the connection string has an EntityPath. */
    private String topic;

    private final Subscription subscription = new Subscription();

    private final ResourceManager resourceManager = new ResourceManager();

    private final Retry retry = new Retry();

    /** Each message's time-to-live, and auto-created subscriptions' default message time-to-live. */
    private Duration messageTimeToLive = Duration.ofMinutes(5);

    /** After this long without any message, a probe checks that the receive link still delivers. */
    private Duration linkCheckInterval = Duration.ofSeconds(10);

    /** How long after a probe with nothing arriving the receive link counts as lost. */
    private Duration linkCheckTimeout = Duration.ofSeconds(5);

    /** How long the start waits for the receive link to deliver. */
    private Duration startTimeout = Duration.ofSeconds(30);

    /** How long a missing sequence number may still arrive: Service Bus does not guarantee order. */
    private Duration reorderWindow = Duration.ofSeconds(2);

    /** The largest message body, in bytes: the Standard tier's 256 KB less room for the envelope. */
    private int maxMessageBytes = 253_952;

    public String getConnectionString() {
        return connectionString;
    }

    public void setConnectionString(String connectionString) {
        this.connectionString = connectionString;
    }

    public String getFullyQualifiedNamespace() {
        return fullyQualifiedNamespace;
    }

    public void setFullyQualifiedNamespace(String fullyQualifiedNamespace) {
        this.fullyQualifiedNamespace = fullyQualifiedNamespace;
    }

    public String getTopic() {
        return topic;
    }

    public void setTopic(String topic) {
        this.topic = topic;
    }

    public Subscription getSubscription() {
        return subscription;
    }

    public ResourceManager getResourceManager() {
        return resourceManager;
    }

    public Retry getRetry() {
        return retry;
    }

    public Duration getMessageTimeToLive() {
        return messageTimeToLive;
    }

    public void setMessageTimeToLive(Duration messageTimeToLive) {
        this.messageTimeToLive = messageTimeToLive;
    }

    public Duration getLinkCheckInterval() {
        return linkCheckInterval;
    }

    public void setLinkCheckInterval(Duration linkCheckInterval) {
        this.linkCheckInterval = linkCheckInterval;
    }

    public Duration getLinkCheckTimeout() {
        return linkCheckTimeout;
    }

    public void setLinkCheckTimeout(Duration linkCheckTimeout) {
        this.linkCheckTimeout = linkCheckTimeout;
    }

    public Duration getStartTimeout() {
        return startTimeout;
    }

    public void setStartTimeout(Duration startTimeout) {
        this.startTimeout = startTimeout;
    }

    @Override
    public Duration getReorderWindow() {
        return reorderWindow;
    }

    public void setReorderWindow(Duration reorderWindow) {
        this.reorderWindow = reorderWindow;
    }

    @Override
    public int getMaxMessageBytes() {
        return maxMessageBytes;
    }

    public void setMaxMessageBytes(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    /** The values of {@code weft.azure.subscription.strategy}. */
    public enum Strategy {
        /** A subscription provisioned beforehand, one per instance, named by {@code subscription.name}. */
        EXISTING,
        /** A subscription Weft creates with the administration API (Manage right) and deletes at shutdown. */
        AUTO_CREATE,
        /** The same through Azure Resource Manager, configured by {@code weft.azure.resource-manager.*}. */
        RESOURCE_MANAGER
    }

    /** {@code weft.azure.subscription.*}: the topic subscription this instance receives on. */
    public static class Subscription {

        /**
         * How this instance gets its subscription: existing (subscription.name), auto-create, or resource-manager.
         * Every running instance needs a subscription of its own.
         */
        private Strategy strategy;

        /** The pre-provisioned subscription's name, with strategy existing. */
        private String name;

        /** With an auto-creating strategy, whether a missing topic is created too. */
        private boolean createTopicIfMissing;

        public Strategy getStrategy() {
            return strategy;
        }

        public void setStrategy(Strategy strategy) {
            this.strategy = strategy;
        }

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public boolean isCreateTopicIfMissing() {
            return createTopicIfMissing;
        }

        public void setCreateTopicIfMissing(boolean createTopicIfMissing) {
            this.createTopicIfMissing = createTopicIfMissing;
        }
    }

    /** {@code weft.azure.resource-manager.*}: where the namespace is, for strategy resource-manager. */
    public static class ResourceManager {

        /** The Azure subscription id (a GUID) that holds the namespace. */
        private String subscriptionId;

        /** The namespace's resource group. */
        private String resourceGroup;

        /** The namespace's resource name (without .servicebus.windows.net). */
        private String namespace;

        public String getSubscriptionId() {
            return subscriptionId;
        }

        public void setSubscriptionId(String subscriptionId) {
            this.subscriptionId = subscriptionId;
        }

        public String getResourceGroup() {
            return resourceGroup;
        }

        public void setResourceGroup(String resourceGroup) {
            this.resourceGroup = resourceGroup;
        }

        public String getNamespace() {
            return namespace;
        }

        public void setNamespace(String namespace) {
            this.namespace = namespace;
        }
    }

    /**
     * {@code weft.azure.retry.*}: the SDK's AMQP retry options (tries and timeouts of sends and link attaches); unset
     * values keep the SDK's defaults. Weft retries a failed publish itself on top of them.
     */
    public static class Retry {

        /** How many times an operation is retried. */
        private Integer maxRetries;

        /** The delay before the first retry. */
        private Duration delay;

        /** The longest delay between retries; keep it at least delay + 4 s (the SDK adds up to 4 s). */
        private Duration maxDelay;

        /** How long one try may take. */
        private Duration tryTimeout;

        /** exponential or fixed backoff. */
        private RetryMode mode;

        public Integer getMaxRetries() {
            return maxRetries;
        }

        public void setMaxRetries(Integer maxRetries) {
            this.maxRetries = maxRetries;
        }

        public Duration getDelay() {
            return delay;
        }

        public void setDelay(Duration delay) {
            this.delay = delay;
        }

        public Duration getMaxDelay() {
            return maxDelay;
        }

        public void setMaxDelay(Duration maxDelay) {
            this.maxDelay = maxDelay;
        }

        public Duration getTryTimeout() {
            return tryTimeout;
        }

        public void setTryTimeout(Duration tryTimeout) {
            this.tryTimeout = tryTimeout;
        }

        public RetryMode getMode() {
            return mode;
        }

        public void setMode(RetryMode mode) {
            this.mode = mode;
        }
    }

    /** The values of {@code weft.azure.retry.mode} (the SDK's {@code AmqpRetryMode}). */
    public enum RetryMode {
        /** Delays grow exponentially from {@code delay} up to {@code max-delay}. */
        EXPONENTIAL,
        /** Every retry waits {@code delay}. */
        FIXED
    }
}
