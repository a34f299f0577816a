package dev.weft.testing.servicebus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class SubscriptionPropertiesTest {

    @Test
    void defaultsAreTheServices() {
        SubscriptionProperties properties = SubscriptionProperties.named("web-1");

        assertThat(properties.lockDuration()).isEqualTo(Duration.ofMinutes(1));
        assertThat(properties.maxDeliveryCount()).isEqualTo(10);
        assertThat(properties.autoDeleteOnIdle()).isEqualTo(SubscriptionProperties.INFINITE);
    }

    @Test
    void aNameLongerThanFiftyCharactersIsRefused() {
        assertThatThrownBy(() -> SubscriptionProperties.named("x".repeat(51)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 50");
    }

    @Test
    void anAutoDeleteOnIdleUnderFiveMinutesIsRefused() {
        assertThatThrownBy(() -> SubscriptionProperties.builder("s").autoDeleteOnIdle(Duration.ofMinutes(4)).build())
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AutoDeleteOnIdle");
    }

    @Test
    void namesAreCaseInsensitiveInTheModel() {
        ServiceBusNamespaceModel model = ServiceBusNamespaceModel.create();
        model.createTopic("Invalidation");

        assertThat(model.createSubscription("invalidation", "Web-1")).isTrue();
        assertThat(model.createSubscription("INVALIDATION", "web-1")).isFalse();
        assertThat(model.subscription("invalidation", "WEB-1")).map(SubscriptionProperties::name).hasValue("Web-1");
    }

    @Test
    void aSharedAccessKeyNeverPrintsItsSecret() {
        SharedAccessKey key = SharedAccessKey.of("name", "very-secret", AccessRight.SEND);

        assertThat(key.toString()).doesNotContain("very-secret");
        assertThat(SharedAccessKey.of("m", "k", AccessRight.MANAGE).rights())
            .containsExactlyInAnyOrder(AccessRight.MANAGE, AccessRight.LISTEN, AccessRight.SEND);
    }
}
