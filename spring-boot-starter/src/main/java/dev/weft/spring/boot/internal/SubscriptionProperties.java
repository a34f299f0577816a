package dev.weft.spring.boot.internal;

import dev.weft.caching.azure.SubscriptionStrategy;
import dev.weft.spring.boot.AzureInvalidatorProperties;
import dev.weft.spring.boot.AzureInvalidatorProperties.Strategy;

import java.util.Locale;

/**
 * Turns {@code weft.azure.subscription.*} and {@code weft.azure.resource-manager.*} into a
 * {@link SubscriptionStrategy}. A property that the chosen strategy does not read fails rather than being ignored:
 * a subscription name next to {@code auto-create} means someone expects that name to be used.
 */
final class SubscriptionProperties {

    private static final String SUBSCRIPTION = AzureInvalidatorFactory.PREFIX + ".subscription";
    private static final String RESOURCE_MANAGER = AzureInvalidatorFactory.PREFIX + ".resource-manager";

    private SubscriptionProperties() {
    }

    static SubscriptionStrategy strategy(AzureInvalidatorProperties p) {
        AzureInvalidatorProperties.Subscription s = p.getSubscription();
        AzureInvalidatorProperties.ResourceManager rm = p.getResourceManager();
        Strategy kind = s.getStrategy();
        if (kind == null) {
            throw PropertyCheck.missing(SUBSCRIPTION + ".strategy", "every instance needs a subscription of its own: "
                    + "existing (with " + SUBSCRIPTION + ".name), auto-create or resource-manager");
        }
        if (kind != Strategy.EXISTING && s.getName() != null) {
            throw unread(SUBSCRIPTION + ".name", s.getName(), kind, "strategy existing");
        }
        if (kind != Strategy.RESOURCE_MANAGER) {
            rejectSet(RESOURCE_MANAGER + ".subscription-id", rm.getSubscriptionId(), kind);
            rejectSet(RESOURCE_MANAGER + ".resource-group", rm.getResourceGroup(), kind);
            rejectSet(RESOURCE_MANAGER + ".namespace", rm.getNamespace(), kind);
        }
        SubscriptionStrategy strategy = switch (kind) {
            case EXISTING -> {
                if (s.getName() == null) {
                    throw PropertyCheck.missing(SUBSCRIPTION + ".name", "strategy existing receives on a subscription "
                            + "provisioned beforehand, one per instance");
                }
                if (s.isCreateTopicIfMissing()) {
                    throw unread(SUBSCRIPTION + ".create-topic-if-missing", "true", kind,
                            "the auto-create and resource-manager strategies");
                }
                yield PropertyCheck.convert(SUBSCRIPTION + ".name", s.getName(), SubscriptionStrategy::existing);
            }
            case AUTO_CREATE -> SubscriptionStrategy.autoCreate();
            case RESOURCE_MANAGER -> resourceManager(rm);
        };
        return kind != Strategy.EXISTING && s.isCreateTopicIfMissing() ? strategy.createTopicIfMissing() : strategy;
    }

    private static SubscriptionStrategy resourceManager(AzureInvalidatorProperties.ResourceManager rm) {
        String id = required(RESOURCE_MANAGER + ".subscription-id", rm.getSubscriptionId());
        String group = required(RESOURCE_MANAGER + ".resource-group", rm.getResourceGroup());
        String namespace = required(RESOURCE_MANAGER + ".namespace", rm.getNamespace());
        // each value is checked alone, next to valid placeholders, so that a refusal names the property at fault
        PropertyCheck.convert(RESOURCE_MANAGER + ".subscription-id", id,
                v -> SubscriptionStrategy.autoCreateWithResourceManager(v, "rg", "ns"));
        PropertyCheck.convert(RESOURCE_MANAGER + ".resource-group", group,
                v -> SubscriptionStrategy.autoCreateWithResourceManager("id", v, "ns"));
        PropertyCheck.convert(RESOURCE_MANAGER + ".namespace", namespace,
                v -> SubscriptionStrategy.autoCreateWithResourceManager("id", "rg", v));
        return SubscriptionStrategy.autoCreateWithResourceManager(id, group, namespace);
    }

    private static String required(String property, String value) {
        if (value == null) {
            throw PropertyCheck.missing(property, "strategy resource-manager creates the subscription through "
                    + "Azure Resource Manager, which needs the namespace's subscription id, resource group and name");
        }
        return value;
    }

    private static void rejectSet(String property, String value, Strategy kind) {
        if (value != null) {
            throw unread(property, value, kind, "strategy resource-manager");
        }
    }

    private static RuntimeException unread(String property, String value, Strategy kind, String readBy) {
        return PropertyCheck.conflict(property, value, "strategy " + name(kind) + " does not read it (it applies to "
                + readBy + ")", "Remove '" + property + "', or set '" + SUBSCRIPTION + ".strategy' to the "
                + "strategy that uses it.");
    }

    private static String name(Strategy kind) {
        return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
