package dev.weft.caching.azure.internal;

import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.exception.ManagementException;
import com.azure.core.management.profile.AzureProfile;
import com.azure.resourcemanager.servicebus.ServiceBusManager;
import com.azure.resourcemanager.servicebus.models.ServiceBusNamespace;
import com.azure.resourcemanager.servicebus.models.Topic;
import dev.weft.caching.CachingConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Supplier;

/**
 * Creates this instance's subscription through Azure Resource Manager ({@code ServiceBusManager}, control plane:
 * a role such as Contributor on the namespace, no data-plane Manage right needed), and deletes it on close.
 *
 * <p>A Resource Manager PUT creates or <em>updates</em>: it never answers 409 for a taken name, it would take the
 * other subscription over. So each name is looked up first, and a name that exists is skipped like a 409.
 */
final class ResourceManagerSubscriptions implements SubscriptionProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(ResourceManagerSubscriptions.class);

    private final NamespaceAccess access;
    private final SubscriptionNames names;
    private final boolean createTopicIfMissing;
    private final String azureSubscriptionId;
    private final String resourceGroup;
    private final String namespaceName;
    private ServiceBusNamespace namespace;
    private Topic topic;
    private String created;

    ResourceManagerSubscriptions(NamespaceAccess access, SubscriptionNames names, boolean createTopicIfMissing,
                                 String azureSubscriptionId, String resourceGroup, String namespaceName) {
        this.access = access;
        this.names = names;
        this.createTopicIfMissing = createTopicIfMissing;
        this.azureSubscriptionId = azureSubscriptionId;
        this.resourceGroup = resourceGroup;
        this.namespaceName = namespaceName;
    }

    private String where() {
        return "namespace '" + namespaceName + "' in resource group '" + resourceGroup + "' of Azure subscription "
                + azureSubscriptionId;
    }

    @Override
    public String provision() {
        ServiceBusManager.Configurable configurable = ServiceBusManager.configure();
        if (access.httpClient() != null) {
            configurable.withHttpClient(access.httpClient());
        }
        ServiceBusManager manager = configurable.authenticate(access.tokenCredential(),
                new AzureProfile(null, azureSubscriptionId, AzureEnvironment.AZURE));
        namespace = call("find " + where(),
                () -> manager.namespaces().getByResourceGroup(resourceGroup, namespaceName));
        topic = findTopic(namespace);
        ManagementException lastConflict = null;
        for (int attempt = 0; attempt < AdministrationSubscriptions.NAME_ATTEMPTS; attempt++) {
            String name = names.next();
            if (exists(name)) {
                LOG.info("Subscription name '{}' is taken on topic '{}'; trying another", name, access.topic());
                continue;
            }
            try {
                create(name);
                created = name;
                LOG.info("Created subscription '{}' of topic '{}' in {} through Resource Manager (AutoDeleteOnIdle {}, "
                                + "message time-to-live {})", name, access.topic(), where(),
                        AdministrationSubscriptions.AUTO_DELETE_ON_IDLE, access.messageTimeToLive());
                return name;
            } catch (ManagementException e) {
                if (status(e) != 409) {
                    throw failure("create subscription '" + name + "' of topic '" + access.topic() + "'", e);
                }
                lastConflict = e;
                LOG.info("Subscription name '{}' is in conflict on topic '{}'; trying another", name, access.topic());
            }
        }
        throw new CachingConfigurationException("could not create a subscription of topic '" + access.topic() + "' in "
                + where() + ": " + AdministrationSubscriptions.NAME_ATTEMPTS + " names in a row were taken"
                + (lastConflict == null ? "" : " (" + ServiceBusErrors.rootMessage(lastConflict) + ")"), lastConflict);
    }

    private Topic findTopic(ServiceBusNamespace namespace) {
        try {
            Topic found = namespace.topics().getByName(access.topic());
            if (found != null) {
                return found;
            }
        } catch (ManagementException e) {
            if (status(e) != 404) {
                throw failure("find topic '" + access.topic() + "'", e);
            }
        }
        if (!createTopicIfMissing) {
            throw new CachingConfigurationException("topic '" + access.topic() + "' does not exist in " + where()
                    + "; create it, or use SubscriptionStrategy.autoCreateWithResourceManager(...).createTopicIfMissing()");
        }
        Topic createdTopic = call("create topic '" + access.topic() + "'",
                () -> namespace.topics().define(access.topic()).create());
        LOG.info("Created topic '{}' in {} through Resource Manager", access.topic(), where());
        return createdTopic;
    }

    private boolean exists(String name) {
        try {
            return topic.subscriptions().getByName(name) != null;
        } catch (ManagementException e) {
            if (status(e) == 404) {
                return false;
            }
            throw failure("look up subscription '" + name + "' of topic '" + access.topic() + "'", e);
        }
    }

    private void create(String name) {
        topic.subscriptions().define(name)
                .withDefaultMessageTTL(access.messageTimeToLive())
                .withDeleteOnIdleDurationInMinutes((int) AdministrationSubscriptions.AUTO_DELETE_ON_IDLE.toMinutes())
                .create();
    }

    private <T> T call(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (ManagementException e) {
            throw failure(what, e);
        }
    }

    private CachingConfigurationException failure(String what, ManagementException e) {
        int status = status(e);
        String code = e.getValue() == null ? "" : e.getValue().getCode();
        String detail = "HTTP " + status + (code == null || code.isEmpty() ? "" : " " + code) + ": "
                + ServiceBusErrors.rootMessage(e);
        if (status == 401 || status == 403) {
            return new CachingConfigurationException("Resource Manager refused to " + what + " in " + where() + " ("
                    + detail + "): SubscriptionStrategy.autoCreateWithResourceManager(...) needs a control-plane role "
                    + "on the namespace that allows Microsoft.ServiceBus/namespaces/topics/subscriptions/write and "
                    + "delete, such as Contributor (or 'Azure Service Bus Data Owner' with autoCreate() instead)", e);
        }
        if (status == 404) {
            return new CachingConfigurationException("could not " + what + ": " + where() + " was not found ("
                    + detail + "); check the Azure subscription id, resource group and namespace name", e);
        }
        return new CachingConfigurationException("could not " + what + " in " + where() + " (" + detail + ")", e);
    }

    private static int status(ManagementException e) {
        return e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
    }

    @Override
    public boolean recreate() {
        if (created == null || topic == null) {
            return false;
        }
        try {
            create(created);
            LOG.warn("Subscription '{}' of topic '{}' had disappeared (deleted by AutoDeleteOnIdle after an outage, or "
                    + "by an operator); created it again through Resource Manager", created, access.topic());
            return true;
        } catch (ManagementException e) {
            if (status(e) != 404 || namespace == null) {
                LOG.warn("Could not create subscription '{}' of topic '{}' again: {}", created, access.topic(),
                        ServiceBusErrors.rootMessage(e));
                return false;
            }
            if (!createTopicIfMissing) {
                LOG.error("Topic '{}' no longer exists in {} (deleted?), and the strategy may not create it "
                        + "(createTopicIfMissing() is off): invalidations can be neither received nor sent until it "
                        + "is created again; the health check reports DOWN", access.topic(), where());
                return false;
            }
            try {
                topic = namespace.topics().define(access.topic()).create();
                create(created);
                LOG.warn("Topic '{}' had disappeared from {}; created it again through Resource Manager, with "
                        + "subscription '{}'", access.topic(), where(), created);
                return true;
            } catch (RuntimeException again) {
                LOG.warn("Could not create topic '{}' and subscription '{}' again: {}", access.topic(), created,
                        ServiceBusErrors.rootMessage(again));
                return false;
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not create subscription '{}' of topic '{}' again: {}", created, access.topic(),
                    ServiceBusErrors.rootMessage(e));
            return false;
        }
    }

    @Override
    public void delete() {
        String name = created;
        if (name == null) {
            return;
        }
        created = null;
        try {
            topic.subscriptions().deleteByName(name);
            LOG.info("Deleted subscription '{}' of topic '{}' through Resource Manager", name, access.topic());
        } catch (RuntimeException e) {
            LOG.warn("Could not delete subscription '{}' of topic '{}' ({}); AutoDeleteOnIdle removes it within {}",
                    name, access.topic(), ServiceBusErrors.rootMessage(e),
                    AdministrationSubscriptions.AUTO_DELETE_ON_IDLE);
        }
    }

    @Override
    public boolean createdByWeft() {
        return true;
    }
}
