package dev.weft.spring.boot.actuate;

import dev.weft.caching.CachedMethodInfo;
import dev.weft.caching.CachingProfile;
import dev.weft.caching.CachingServices;
import dev.weft.caching.CachingStatistics;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.invalidation.InvalidatorStatus;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The {@code weft} actuator endpoint ({@code /actuator/weft} once exposed): whether caching is on, the backend, the
 * invalidator's status, the profiles with their settings and counters, and every cached method used so far with its
 * profile and counters ({@link CachingServices#statistics()}). Read-only.
 */
@Endpoint(id = "weft")
public class WeftEndpoint {

    private final CacheInvalidator invalidator;
    private final Collection<String> configuredProfiles;

    /**
     * @param invalidator        the invalidator, or {@code null}
     * @param configuredProfiles the profiles of {@code weft.profiles.*}, listed even before a method uses them
     */
    public WeftEndpoint(CacheInvalidator invalidator, Collection<String> configuredProfiles) {
        this.invalidator = invalidator;
        this.configuredProfiles = configuredProfiles;
    }

    /** A snapshot of Weft in this instance. */
    @ReadOperation
    public WeftReport weft() {
        CachingStatistics statistics = CachingServices.statistics();
        Map<String, String> profileOf = new HashMap<>();
        for (CachedMethodInfo m : CachingServices.cachedMethods()) {
            profileOf.put(m.name(), m.settings().name());
        }
        Map<String, MethodReport> methods = new TreeMap<>();
        statistics.methods().forEach((method, c) ->
                methods.put(method, new MethodReport(profileOf.get(method), Counts.of(c))));
        TreeSet<String> profileNames = new TreeSet<>(configuredProfiles);
        profileNames.add(CachingProfile.DEFAULT_NAME);
        profileNames.addAll(statistics.profiles().keySet());
        Map<String, ProfileReport> profiles = new LinkedHashMap<>();
        for (String name : profileNames) {
            CachingStatistics.Counters c = statistics.profiles().get(name);
            profiles.put(name, ProfileReport.of(CachingServices.getProfile(name),
                    Counts.of(c != null ? c : CachingStatistics.Counters.zero())));
        }
        return new WeftReport(CachingServices.isEnabled(), String.valueOf(CachingServices.getDefaultBackend()),
                invalidator != null ? InvalidatorReport.of(invalidator.status()) : null, Counts.of(statistics.total()),
                profiles, methods);
    }

    /** The endpoint's answer. */
    public record WeftReport(boolean enabled, String backend, InvalidatorReport invalidator, Counts total,
                             Map<String, ProfileReport> profiles, Map<String, MethodReport> methods)
            implements OperationResponseBody {
    }

    /** A cached method: its profile and counters. */
    public record MethodReport(String profile, Counts statistics) {
    }

    /**
     * A profile: its settings ({@code null} when a method names a profile that was never registered) and the sum of
     * its methods' counters.
     */
    public record ProfileReport(boolean registered, String absoluteExpiration, String slidingExpiration,
                                Boolean enabled, Boolean autoReload, String loadWaitTimeout, Counts statistics) {

        static ProfileReport of(CachingProfile p, Counts counts) {
            if (p == null) {
                return new ProfileReport(false, null, null, null, null, null, counts);
            }
            return new ProfileReport(true, p.absoluteExpiration().toString(), p.slidingExpiration().toString(),
                    p.enabled(), p.autoReload(), p.loadWaitTimeout().toString(), counts);
        }
    }

    /** Counters of a method, a profile or everything. */
    public record Counts(long hits, long misses, double hitRatio, long loads, long loadFailures, double loadMillis,
                         long waits, long waitTimeouts, long staleWriteBacksPrevented, long uncachedCalls,
                         long staleServed, long invalidations) {

        static Counts of(CachingStatistics.Counters c) {
            return new Counts(c.hits(), c.misses(), c.hitRatio(), c.loads(), c.loadFailures(),
                    c.loadTime().toNanos() / 1e6, c.waits(), c.waitTimeouts(), c.staleWriteBacksPrevented(),
                    c.uncachedCalls(), c.staleServed(), c.invalidations());
        }
    }

    /** The invalidator's status. */
    public record InvalidatorReport(String instanceId, String transport, String state, Instant since,
                                    boolean bypassingCache, long messagesSent, long operationsSent,
                                    long messagesReceived, long operationsApplied, long gapsDetected,
                                    long messagesLost, long malformedMessages, long unknownVersionMessages,
                                    long publishFailures, long publishTimeouts, long subscriptions,
                                    long pendingOperations, Instant lastMessageReceived, Instant lastMessageSent,
                                    Map<String, String> details) {

        static InvalidatorReport of(InvalidatorStatus s) {
            return new InvalidatorReport(s.instanceId(), s.transport(), s.state().name(), s.stateSince(),
                    s.bypassingCache(), s.messagesSent(), s.operationsSent(), s.messagesReceived(),
                    s.operationsApplied(), s.gapsDetected(), s.messagesLost(), s.malformedMessages(),
                    s.unknownVersionMessages(), s.publishFailures(), s.publishTimeouts(), s.subscriptions(),
                    s.pendingOperations(), s.lastMessageReceived(), s.lastMessageSent(), new TreeMap<>(s.details()));
        }
    }
}
