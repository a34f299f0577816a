package dev.weft.caching.azure.internal;

import com.azure.core.exception.HttpResponseException;
import com.azure.messaging.servicebus.administration.ServiceBusAdministrationClient;
import com.azure.messaging.servicebus.administration.models.CreateSubscriptionOptions;
import dev.weft.caching.CachingConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Creates this instance's subscription with the namespace's administration API ({@code ServiceBusAdministrationClient},
 * data plane: a shared access policy with Manage, or the role Azure Service Bus Data Owner), and deletes it on close.
 */
final class AdministrationSubscriptions implements SubscriptionProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(AdministrationSubscriptions.class);
    /** The service's minimum: a crashed instance's subscription disappears five minutes after its last receive. */
    static final Duration AUTO_DELETE_ON_IDLE = Duration.ofMinutes(5);
    static final int NAME_ATTEMPTS = 5;

    private final NamespaceAccess access;
    private final SubscriptionNames names;
    private final boolean createTopicIfMissing;
    private ServiceBusAdministrationClient admin;
    private String created;

    AdministrationSubscriptions(NamespaceAccess access, SubscriptionNames names, boolean createTopicIfMissing) {
        this.access = access;
        this.names = names;
        this.createTopicIfMissing = createTopicIfMissing;
    }

    @Override
    public String provision() {
        admin = access.administrationClient();
        boolean topicCreated = false;
        HttpResponseException lastConflict = null;
        for (int attempt = 0; attempt < NAME_ATTEMPTS; attempt++) {
            String name = names.next();
            try {
                create(name);
                created = name;
                LOG.info("Created subscription '{}' of topic '{}' in {} (AutoDeleteOnIdle {}, message time-to-live {})",
                        name, access.topic(), access.namespace(), AUTO_DELETE_ON_IDLE, access.messageTimeToLive());
                return name;
            } catch (HttpResponseException e) {
                int status = e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
                if (status == 409) {
                    // the name is taken (or being changed): another one
                    lastConflict = e;
                    LOG.info("Subscription name '{}' is taken on topic '{}'; trying another", name, access.topic());
                } else if (status == 404 && createTopicIfMissing && !topicCreated) {
                    createTopic();
                    topicCreated = true;
                    attempt--;
                } else {
                    throw failure(name, status, e);
                }
            }
        }
        throw new CachingConfigurationException("could not create a subscription of topic '" + access.topic() + "' in "
                + access.namespace() + ": " + NAME_ATTEMPTS + " names in a row were taken (HTTP 409: "
                + ServiceBusErrors.rootMessage(lastConflict) + ")", lastConflict);
    }

    private void create(String name) {
        admin.createSubscription(access.topic(), name, new CreateSubscriptionOptions()
                .setAutoDeleteOnIdle(AUTO_DELETE_ON_IDLE)
                .setDefaultMessageTimeToLive(access.messageTimeToLive())
                .setUserMetadata("Created by Weft for one running instance; deleted when it closes"));
    }

    private void createTopic() {
        try {
            admin.createTopic(access.topic());
            LOG.info("Created topic '{}' in {}", access.topic(), access.namespace());
        } catch (HttpResponseException e) {
            int status = e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
            if (status != 409) {
                // 409: another instance created it meanwhile, which is what we wanted
                throw failure(null, status, e);
            }
        }
    }

    private CachingConfigurationException failure(String name, int status, HttpResponseException e) {
        String where = "topic '" + access.topic() + "'" + (name == null ? "" : ", subscription '" + name + "'")
                + " in namespace " + access.namespace();
        String sdk = ServiceBusErrors.rootMessage(e);
        if (status == 401 || status == 403) {
            return new CachingConfigurationException("the administration API refused to create " + where + " (HTTP "
                    + status + ": " + sdk + "): SubscriptionStrategy.autoCreate() needs the Manage right (a shared "
                    + "access policy with Manage) or the role 'Azure Service Bus Data Owner'; without it, use "
                    + "SubscriptionStrategy.existing(...) or autoCreateWithResourceManager(...)", e);
        }
        if (status == 404) {
            return new CachingConfigurationException("topic '" + access.topic() + "' does not exist in namespace "
                    + access.namespace() + " (HTTP 404: " + sdk + "); create it, or use "
                    + "SubscriptionStrategy.autoCreate().createTopicIfMissing()", e);
        }
        return new CachingConfigurationException("could not create " + where + " (HTTP " + status + ": " + sdk + ")",
                e);
    }

    @Override
    public boolean recreate() {
        if (created == null) {
            return false;
        }
        try {
            create(created);
            LOG.warn("Subscription '{}' of topic '{}' had disappeared (deleted by AutoDeleteOnIdle after an outage, or "
                    + "by an operator); created it again", created, access.topic());
            return true;
        } catch (HttpResponseException e) {
            int status = e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
            if (status == 409) {
                return true;
            }
            if (status == 404) {
                return recreateTopic(e);
            }
            LOG.warn("Could not create subscription '{}' of topic '{}' again: {}", created, access.topic(),
                    ServiceBusErrors.rootMessage(e));
            return false;
        } catch (RuntimeException e) {
            LOG.warn("Could not create subscription '{}' of topic '{}' again: {}", created, access.topic(),
                    ServiceBusErrors.rootMessage(e));
            return false;
        }
    }

    /** The topic is gone too: created again when the strategy may create it, else a clear error. */
    private boolean recreateTopic(HttpResponseException notFound) {
        if (!createTopicIfMissing) {
            LOG.error("Topic '{}' no longer exists in {} (deleted?), and the strategy may not create it "
                    + "(createTopicIfMissing() is off): invalidations can be neither received nor sent until it is "
                    + "created again; the health check reports DOWN ({})", access.topic(), access.namespace(),
                    ServiceBusErrors.rootMessage(notFound));
            return false;
        }
        try {
            createTopic();
            create(created);
            LOG.warn("Topic '{}' had disappeared from {}; created it again, with subscription '{}'", access.topic(),
                    access.namespace(), created);
            return true;
        } catch (RuntimeException e) {
            LOG.warn("Could not create topic '{}' and subscription '{}' again: {}", access.topic(), created,
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
            admin.deleteSubscription(access.topic(), name);
            LOG.info("Deleted subscription '{}' of topic '{}'", name, access.topic());
        } catch (HttpResponseException e) {
            if (e.getResponse() != null && e.getResponse().getStatusCode() == 404) {
                LOG.info("Subscription '{}' of topic '{}' was already gone", name, access.topic());
            } else {
                LOG.warn("Could not delete subscription '{}' of topic '{}' ({}); AutoDeleteOnIdle removes it within {}",
                        name, access.topic(), ServiceBusErrors.rootMessage(e), AUTO_DELETE_ON_IDLE);
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not delete subscription '{}' of topic '{}' ({}); AutoDeleteOnIdle removes it within {}",
                    name, access.topic(), ServiceBusErrors.rootMessage(e), AUTO_DELETE_ON_IDLE);
        }
    }

    @Override
    public boolean createdByWeft() {
        return true;
    }
}
