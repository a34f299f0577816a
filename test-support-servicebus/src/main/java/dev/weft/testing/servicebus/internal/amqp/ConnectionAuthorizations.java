package dev.weft.testing.servicebus.internal.amqp;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.weft.testing.servicebus.AccessRight;
import dev.weft.testing.servicebus.internal.SasToken;

/**
 * The tokens a client has put on one connection's {@code $cbs} node, and the checks that links and management
 * requests make against them: an entity may be used with a right if an unexpired token whose audience covers the
 * entity grants that right. The service checks claims when a link attaches, not when the token is put, and so do
 * we. Confined to the event loop.
 */
final class ConnectionAuthorizations {

    /** One accepted token. */
    record Grant(String audience, Set<AccessRight> rights, Instant expiresAt) {
    }

    private final List<Grant> grants = new ArrayList<>();

    /** Records a token, replacing an earlier one for the same audience (the SDK refreshes tokens before expiry). */
    void grant(Grant grant) {
        grants.removeIf(g -> g.audience().equalsIgnoreCase(grant.audience()));
        grants.add(grant);
    }

    /**
     * Checks a right on an entity.
     *
     * @param entityPath the entity, e.g. {@code topic} or {@code topic/subscriptions/name}
     * @return empty if allowed, else the service's "unauthorized access" description
     */
    Optional<String> refusal(String entityPath, AccessRight right, Instant now) {
        for (Grant grant : grants) {
            if (grant.expiresAt().isAfter(now) && grant.rights().contains(right)
                && SasToken.covers(grant.audience(), audienceFor(grant.audience(), entityPath))) {
                return Optional.empty();
            }
        }
        String host = grants.isEmpty() ? "localhost" : hostOf(grants.get(0).audience());
        return Optional.of("Unauthorized access. '" + right.claimName() + "' claim(s) are required to perform this "
            + "operation. Resource: 'sb://" + host + "/" + entityPath + "'.");
    }

    private static String audienceFor(String grantAudience, String entityPath) {
        return "amqp://" + hostOf(grantAudience) + "/" + entityPath;
    }

    private static String hostOf(String audience) {
        String host = URI.create(audience.trim()).getHost();
        return host == null ? "localhost" : host;
    }
}
