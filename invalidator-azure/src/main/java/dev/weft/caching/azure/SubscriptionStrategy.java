package dev.weft.caching.azure;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How an instance gets the topic subscription it receives invalidations on. Every running instance needs its own:
 * Service Bus hands each message of a subscription to one receiver only, so two instances on one subscription
 * would each miss about half of the invalidations (Weft detects that, see {@link #existing(String)}).
 *
 * <ul>
 *   <li>{@link #existing(String)}: a subscription provisioned beforehand (one per instance). Needs only the
 *       Listen and Send rights (roles Azure Service Bus Data Receiver and Data Sender).</li>
 *   <li>{@link #autoCreate()}: Weft creates a subscription with a unique name through the administration API,
 *       and deletes it on close. Needs the Manage right (role Azure Service Bus Data Owner).</li>
 *   <li>{@link #autoCreateWithResourceManager(String, String, String)}: the same through Azure Resource Manager,
 *       for an identity with a control-plane role (such as Contributor on the namespace) but no Manage right.</li>
 * </ul>
 *
 * <p>Auto-created subscriptions have {@code AutoDeleteOnIdle} of 5 minutes (the service's minimum, so that a
 * crashed instance leaves nothing behind for long) and the options' message time-to-live as their default.
 * Immutable and thread-safe.
 */
public final class SubscriptionStrategy {

    /** Which strategy this is. */
    public enum Kind {
        /** A pre-provisioned subscription. */
        EXISTING,
        /** Created with the administration API (data plane, Manage right). */
        AUTO_CREATE,
        /** Created with Azure Resource Manager (control plane). */
        AUTO_CREATE_WITH_RESOURCE_MANAGER
    }

    private static final Pattern SUBSCRIPTION_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]{0,48}[A-Za-z0-9_])?");
    private static final Pattern RESOURCE_NAME = Pattern.compile("[A-Za-z0-9._()-]{1,90}");

    private final Kind kind;
    private final String name;
    private final boolean createTopicIfMissing;
    private final String azureSubscriptionId;
    private final String resourceGroup;
    private final String namespace;

    private SubscriptionStrategy(Kind kind, String name, boolean createTopicIfMissing, String azureSubscriptionId,
                                 String resourceGroup, String namespace) {
        this.kind = kind;
        this.name = name;
        this.createTopicIfMissing = createTopicIfMissing;
        this.azureSubscriptionId = azureSubscriptionId;
        this.resourceGroup = resourceGroup;
        this.namespace = namespace;
    }

    /**
     * A pre-provisioned subscription of the topic, used by this instance only. A missing subscription or topic fails
     * the creation of the invalidator with a {@code CachingConfigurationException} naming namespace, topic and
     * subscription. If another consumer receives from it too, this instance's own messages stop coming back to
     * it: Weft logs that at ERROR and counts it ({@code status().details()}, {@code missingOwnMessages}).
     *
     * @param name the subscription's name: 1 to 50 letters, digits, periods, dashes and underscores
     */
    public static SubscriptionStrategy existing(String name) {
        Objects.requireNonNull(name, "name");
        if (!SUBSCRIPTION_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("subscription name must be 1 to 50 letters, digits, '.', '-' or '_', "
                    + "starting with a letter or digit and ending with a letter, digit or '_', got \"" + name + "\"");
        }
        return new SubscriptionStrategy(Kind.EXISTING, name, false, null, null, null);
    }

    /**
     * A subscription that Weft creates for this instance with {@code ServiceBusAdministrationClient}, named
     * {@code <instanceIdPrefix>-<host>-<random>} (at most 50 characters; a taken name is retried with another),
     * and deletes on close. The topic must exist unless {@link #createTopicIfMissing()} is used.
     */
    public static SubscriptionStrategy autoCreate() {
        return new SubscriptionStrategy(Kind.AUTO_CREATE, null, false, null, null, null);
    }

    /**
     * Like {@link #autoCreate()}, through Azure Resource Manager ({@code ServiceBusManager}) with the options'
     * {@code TokenCredential} (or a {@code DefaultAzureCredential}).
     *
     * @param azureSubscriptionId the Azure subscription (a GUID) that holds the namespace
     * @param resourceGroup       the namespace's resource group
     * @param namespace           the namespace's resource name (without {@code .servicebus.windows.net})
     */
    public static SubscriptionStrategy autoCreateWithResourceManager(String azureSubscriptionId, String resourceGroup,
                                                                     String namespace) {
        return new SubscriptionStrategy(Kind.AUTO_CREATE_WITH_RESOURCE_MANAGER, null, false,
                resourceName(azureSubscriptionId, "azureSubscriptionId"),
                resourceName(resourceGroup, "resourceGroup"), resourceName(namespace, "namespace"));
    }

    /**
     * The same auto-creating strategy, which also creates the topic when it does not exist (off by default: a
     * missing topic is more often a typo than a first deployment).
     *
     * @throws IllegalStateException for {@link #existing(String)}, which creates nothing
     */
    public SubscriptionStrategy createTopicIfMissing() {
        if (kind == Kind.EXISTING) {
            throw new IllegalStateException("createTopicIfMissing() applies to autoCreate strategies, not to "
                    + "existing(\"" + name + "\")");
        }
        return new SubscriptionStrategy(kind, name, true, azureSubscriptionId, resourceGroup, namespace);
    }

    public Kind kind() {
        return kind;
    }

    /** The pre-provisioned subscription's name; {@code null} for the auto-creating strategies. */
    public String name() {
        return name;
    }

    /** Whether a missing topic is created. */
    public boolean createsTopicIfMissing() {
        return createTopicIfMissing;
    }

    /** For Resource Manager: the Azure subscription id, else {@code null}. */
    public String azureSubscriptionId() {
        return azureSubscriptionId;
    }

    /** For Resource Manager: the resource group, else {@code null}. */
    public String resourceGroup() {
        return resourceGroup;
    }

    /** For Resource Manager: the namespace's resource name, else {@code null}. */
    public String namespace() {
        return namespace;
    }

    private static String resourceName(String value, String what) {
        Objects.requireNonNull(value, what);
        if (!RESOURCE_NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must be 1 to 90 letters, digits, '.', '-', '_' or "
                    + "parentheses, got \"" + value + "\"");
        }
        return value;
    }

    /** As status details and logs show it: {@code existing(web-1)}, {@code autoCreate}, ... */
    @Override
    public String toString() {
        switch (kind) {
            case EXISTING:
                return "existing(" + name + ")";
            case AUTO_CREATE:
                return "autoCreate" + (createTopicIfMissing ? "(createTopicIfMissing)" : "");
            default:
                return "autoCreateWithResourceManager(" + azureSubscriptionId + ", " + resourceGroup + ", " + namespace
                        + (createTopicIfMissing ? ", createTopicIfMissing" : "") + ")";
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SubscriptionStrategy other && kind == other.kind && Objects.equals(name, other.name)
                && createTopicIfMissing == other.createTopicIfMissing
                && Objects.equals(azureSubscriptionId, other.azureSubscriptionId)
                && Objects.equals(resourceGroup, other.resourceGroup) && Objects.equals(namespace, other.namespace);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, name, createTopicIfMissing, azureSubscriptionId, resourceGroup, namespace);
    }
}
