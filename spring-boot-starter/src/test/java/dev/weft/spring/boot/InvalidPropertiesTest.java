package dev.weft.spring.boot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static dev.weft.spring.boot.WeftContextRunner.analysis;
import static dev.weft.spring.boot.WeftContextRunner.assertStartFailsNaming;
import static dev.weft.spring.boot.WeftContextRunner.runner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * A wrong or missing value fails the start, and the report names the property. None of these cases reaches a
 * transport: values are checked before anything connects.
 */
class InvalidPropertiesTest {

    static Stream<Arguments> badValues() {
        String redis = "weft.invalidator.type=redis";
        String azure = "weft.invalidator.type=azure";
        String cs = "weft.azure.connection-string=Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=k;"
                + "SharedAccessKey=c2VjcmV0";
        String auto = "weft.azure.subscription.strategy=auto-create";
        String topic = "weft.azure.topic=cache-invalidation";
        return Stream.of(
                // binding: Spring Boot's own analyzer names the property
                arguments("weft.invalidator.type", new String[] {"weft.invalidator.type=memcached"}),
                arguments("weft.memory.maximum-size", new String[] {"weft.memory.maximum-size=lots"}),
                arguments("weft.profiles.p.absolute-expiration", new String[] {
                        "weft.profiles.p.absolute-expiration=ten minutes"}),
                arguments("weft.redis.publish-mode", new String[] {redis, "weft.redis.publish-mode=eventually"}),
                arguments("weft.redis.chanel", new String[] {redis, "weft.redis.chanel=typo"}),
                arguments("weft.azure.subscription.strategy", new String[] {azure, cs,
                        "weft.azure.subscription.strategy=shared"}),
                // Weft's checks: Weft's analyzer names the property
                arguments("weft.memory.maximum-size", new String[] {"weft.memory.maximum-size=-1"}),
                arguments("weft.profiles.p.sliding-expiration", new String[] {"weft.profiles.p.sliding-expiration=-1s"}),
                arguments("weft.profiles.p.load-wait-timeout", new String[] {"weft.profiles.p.load-wait-timeout=0s"}),
                arguments("weft.redis.uri", new String[] {redis}),
                arguments("weft.redis.uri", new String[] {redis, "weft.redis.uri=http://not-redis"}),
                arguments("weft.redis.channel", new String[] {redis, "weft.redis.uri=redis://127.0.0.1:1",
                        "weft.redis.channel= "}),
                arguments("weft.redis.publish-timeout", new String[] {redis, "weft.redis.publish-timeout=0s"}),
                arguments("weft.redis.max-staleness-while-disconnected", new String[] {redis,
                        "weft.redis.max-staleness-while-disconnected=-5s"}),
                arguments("weft.redis.reorder-window", new String[] {redis, "weft.redis.reorder-window=2m"}),
                arguments("weft.redis.max-message-bytes", new String[] {redis, "weft.redis.max-message-bytes=100"}),
                arguments("weft.redis.max-pending-operations", new String[] {redis,
                        "weft.redis.max-pending-operations=0"}),
                arguments("weft.redis.instance-id-prefix", new String[] {redis,
                        "weft.redis.instance-id-prefix=not valid!"}),
                arguments("weft.redis.heartbeat-interval", new String[] {redis, "weft.redis.heartbeat-interval=1ms"}),
                arguments("weft.redis.message-authentication-key", new String[] {redis,
                        "weft.redis.message-authentication-key=too short"}),
                arguments("weft.azure.message-authentication-key", new String[] {azure, cs, topic, auto,
                        "weft.azure.message-authentication-key=base64:***"}),
                arguments("weft.azure.connection-string", new String[] {azure, topic, auto}),
                arguments("weft.azure.connection-string", new String[] {azure, topic, auto,
                        "weft.azure.connection-string=Server=sql;Password=secret"}),
                arguments("weft.azure.fully-qualified-namespace", new String[] {azure, cs, topic, auto,
                        "weft.azure.fully-qualified-namespace=ns.servicebus.windows.net"}),
                arguments("weft.azure.fully-qualified-namespace", new String[] {azure, topic, auto,
                        "weft.azure.fully-qualified-namespace=not a host"}),
                arguments("weft.azure.topic", new String[] {azure, cs, auto}),
                arguments("weft.azure.topic", new String[] {azure, cs + ";EntityPath=other", topic, auto}),
                arguments("weft.azure.topic", new String[] {azure, cs, auto, "weft.azure.topic=-bad"}),
                arguments("weft.azure.subscription.strategy", new String[] {azure, cs, topic}),
                arguments("weft.azure.subscription.name", new String[] {azure, cs, topic,
                        "weft.azure.subscription.strategy=existing"}),
                arguments("weft.azure.subscription.name", new String[] {azure, cs, topic,
                        "weft.azure.subscription.strategy=existing", "weft.azure.subscription.name=-web-1"}),
                arguments("weft.azure.subscription.name", new String[] {azure, cs, topic, auto,
                        "weft.azure.subscription.name=web-1"}),
                arguments("weft.azure.subscription.create-topic-if-missing", new String[] {azure, cs, topic,
                        "weft.azure.subscription.strategy=existing", "weft.azure.subscription.name=web-1",
                        "weft.azure.subscription.create-topic-if-missing=true"}),
                arguments("weft.azure.resource-manager.subscription-id", new String[] {azure, cs, topic,
                        "weft.azure.subscription.strategy=resource-manager"}),
                arguments("weft.azure.resource-manager.resource-group", new String[] {azure, cs, topic,
                        "weft.azure.subscription.strategy=resource-manager",
                        "weft.azure.resource-manager.subscription-id=0000", "weft.azure.resource-manager.namespace=n",
                        "weft.azure.resource-manager.resource-group=bad/group"}),
                arguments("weft.azure.resource-manager.namespace", new String[] {azure, cs, topic, auto,
                        "weft.azure.resource-manager.namespace=ns"}),
                arguments("weft.azure.message-time-to-live", new String[] {azure, cs, topic, auto,
                        "weft.azure.message-time-to-live=2d"}),
                arguments("weft.azure.link-check-interval", new String[] {azure, cs, topic, auto,
                        "weft.azure.link-check-interval=1ms"}),
                arguments("weft.azure.link-check-timeout", new String[] {azure, cs, topic, auto,
                        "weft.azure.link-check-timeout=1h"}),
                arguments("weft.azure.start-timeout", new String[] {azure, cs, topic, auto,
                        "weft.azure.start-timeout=0s"}),
                arguments("weft.azure.retry.max-retries", new String[] {azure, cs, topic, auto,
                        "weft.azure.retry.max-retries=-1"}),
                arguments("weft.azure.retry.try-timeout", new String[] {azure, cs, topic, auto,
                        "weft.azure.retry.try-timeout=0s"}),
                arguments("weft.azure.retry.max-delay", new String[] {azure, cs, topic, auto,
                        "weft.azure.retry.delay=10s", "weft.azure.retry.max-delay=1s"}),
                arguments("weft.azure.publish-timeout", new String[] {azure, cs, topic, auto,
                        "weft.azure.publish-timeout=-1s"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void aBadValueFailsTheStartNamingTheProperty(String property, String[] properties) {
        runner().withPropertyValues(properties).run(context -> assertStartFailsNaming(context, property));
    }

    @Test
    void aConnectionStringIsNeverShownInTheReport() {
        runner().withPropertyValues("weft.invalidator.type=azure", "weft.azure.topic=t",
                        "weft.azure.subscription.strategy=auto-create",
                        "weft.azure.connection-string=Endpoint=nonsense;SharedAccessKey=TOP-SECRET")
                .run(context -> {
                    var analysis = analysis(context);
                    assertThat(analysis.getDescription()).contains("weft.azure.connection-string")
                            .doesNotContain("TOP-SECRET");
                });
    }

    @Test
    void aMessageAuthenticationKeyIsNeverShownInTheReport() {
        runner().withPropertyValues("weft.invalidator.type=redis", "weft.redis.uri=redis://127.0.0.1:1",
                        "weft.redis.message-authentication-key=SHORT-SECRET")
                .run(context -> {
                    var analysis = analysis(context);
                    assertThat(analysis.getDescription()).contains("weft.redis.message-authentication-key")
                            .doesNotContain("SHORT-SECRET");
                    assertThat(stackTrace(context.getStartupFailure())).doesNotContain("SHORT-SECRET");
                });
    }

    /**
     * Issue 14, case 7: an invalid Redis URI's exception repeated the whole URI, password included, into Spring Boot's
     * failure report (and the redaction missed {@code redis://secret@host}).
     */
    @Test
    void aPasswordInAnInvalidRedisUriIsNeverShownInTheReportNorInTheStackTrace() {
        for (String uri : new String[] {"redis://S3CRET-PW@bad host:6379", "redis://:S3CRET-PW@bad host",
                "redis://weft:S3CRET-PW@127.0.0.1:not-a-port", "redi://weft:S3CRET-PW@127.0.0.1:6379"}) {
            runner().withPropertyValues("weft.invalidator.type=redis", "weft.redis.uri=" + uri)
                    .run(context -> {
                        var analysis = analysis(context);
                        assertThat(analysis.getDescription()).contains("weft.redis.uri").doesNotContain("S3CRET-PW");
                        assertThat(analysis.getAction()).doesNotContain("S3CRET-PW");
                        assertThat(stackTrace(context.getStartupFailure())).as(uri).doesNotContain("S3CRET-PW");
                    });
        }
    }

    private static String stackTrace(Throwable t) {
        java.io.StringWriter out = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }

    @Test
    void aTypeWhoseModuleIsMissingFailsNamingTheDependency() {
        runner().withClassLoader(new org.springframework.boot.test.context.FilteredClassLoader(
                        "dev.weft.caching.redis"))
                .withPropertyValues("weft.invalidator.type=redis", "weft.redis.uri=redis://127.0.0.1:1")
                .run(context -> {
                    var analysis = analysis(context);
                    assertThat(analysis.getDescription()).contains("weft.invalidator.type")
                            .contains("weft-invalidator-redis");
                });
    }
}
