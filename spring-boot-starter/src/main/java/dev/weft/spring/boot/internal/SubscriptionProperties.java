package dev.weft.spring.boot.internal;

import dev.weft.caching.azure.SubscriptionStrategy;
import dev.weft.spring.boot.AzureInvalidatorProperties;
import dev.weft.spring.boot.AzureInvalidatorProperties.Strategy;

import java.util.concurrent.atomic.AtomicReference;

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
        AtomicReference<SubscriptionStrategy> strategy = new AtomicReference<>();
        switch (kind) {
            case EXISTING -> {
                if (s.getName() == null) {
                    throw PropertyCheck.missing(SUBSCRIPTION + ".name", "strategy existing receives on a subscription "
                            + "provisioned beforehand, one per instance");
                }
                PropertyCheck.apply(SUBSCRIPTION + ".name", s.getName(),
                        name -> strategy.set(SubscriptionStrategy.existing(name)));
                if (s.isCreateTopicIfMissing()) {
                    throw unread(SUBSCRIPTION + ".create-topic-if-missing", "true", kind,
                            "the auto-create and resource-manager strategies");
                }
            }
            case AUTO_CREATE -> strategy.set(SubscriptionStrategy.autoCreate());
            case RESOURCE_MANAGER -> {
                String id = required(RESOURCE_MANAGER + ".subscription-id", rm.getSubscriptionId());
                String group = required(RESOURCE_MANAGER + ".resource-group", rm.getResourceGroup());
                String namespace = required(RESOURCE_MANAGER + ".namespace", rm.getNamespace());
                // each value is checked on its own so that the failure names the one at fault
                check(RESOURCE_MANAGER + ".subscription-id", id, v -> SubscriptionStrategy
                        .autoCreateWithResourceManager(v, "rg", "ns"));
                check(RESOURCE_MANAGER + ".resource-group", group, v -> SubscriptionStrategy
                        .autoCreateWithResourceManager("id", v, "ns"));
                check(RESOURCE_MANAGER + ".namespace", namespace, v -> SubscriptionStrategy
                        .autoCreateWithResourceManager("id", "rg", v));
                strategy.set(SubscriptionStrategy.autoCreateWithResourceManager(id, group, namespace));
            }
            default -> throw new IllegalStateException("unknown strategy " + kind);
        }
        return kind != Strategy.EXISTING && s.isCreateTopicIfMissing() ? strategy.get().createTopicIfMissing()
                : strategy.get();
    }

    private static String required(String property, String value) {
        if (value == null) {
            throw PropertyCheck.missing(property, "strategy resource-manager creates the subscription through "
                    + "Azure Resource Manager, which needs the namespace's subscription id, resource group and name");
        }
        return value;
    }

    private static void check(String property, String value, java.util.function.Consumer<String> validation) {
        PropertyCheck.apply(property, value, validation);
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
        return kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
