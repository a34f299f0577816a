package dev.weft.caching.invalidation;

import dev.weft.caching.CachingConfigurationException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The options' builder: each value is checked as it is set, with a message naming the option and the value, the
 * smallest and largest allowed values are allowed, and the values set are the values built. The checks that relate
 * two options run at {@code build()}.
 */
class InvalidatorOptionsTest {

    private static InvalidatorOptions.GenericBuilder builder() {
        return InvalidatorOptions.customTransportBuilder();
    }

    @Test
    void theValuesSetAreTheValuesBuilt() {
        byte[] key = new byte[InvalidatorOptions.MIN_KEY_BYTES];
        InvalidatorOptions o = builder().publishMode(PublishMode.FIRE_AND_FORGET)
                .onMessageLoss(OnMessageLoss.LOG_ONLY)
                .maxStalenessWhileDisconnected(Duration.ofMinutes(4))
                .reorderWindow(Duration.ofMinutes(1))
                .maxMessageBytes(1024)
                .maxPendingOperations(1)
                .instanceIdPrefix("a")
                .heartbeatInterval(Duration.ofMillis(10))
                .messageAuthenticationKey(key)
                .build();
        assertThat(o.publishMode()).isEqualTo(PublishMode.FIRE_AND_FORGET);
        assertThat(o.onMessageLoss()).isEqualTo(OnMessageLoss.LOG_ONLY);
        assertThat(o.reorderWindow()).isEqualTo(Duration.ofMinutes(1));
        assertThat(o.maxMessageBytes()).isEqualTo(1024);
        assertThat(o.maxPendingOperations()).isEqualTo(1);
        assertThat(o.instanceIdPrefix()).isEqualTo("a");
        assertThat(o.heartbeatInterval()).isEqualTo(Duration.ofMillis(10));
        assertThat(o.messageAuthenticationKey()).isEqualTo(key);
    }

    @Test
    void valuesOutOfRangeAreRefusedNamingTheOptionAndTheValue() {
        assertThatThrownBy(() -> builder().maxMessageBytes(1023)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxMessageBytes must be at least 1024, got 1023");
        assertThatThrownBy(() -> builder().maxPendingOperations(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxPendingOperations must be positive, got 0");
        assertThatThrownBy(() -> builder().reorderWindow(Duration.ofMillis(-1)))
                .hasMessageContaining("reorderWindow must be between 0 and 1 minute, got PT-0.001S");
        assertThatThrownBy(() -> builder().reorderWindow(Duration.ofMinutes(1).plusNanos(1)))
                .hasMessageContaining("reorderWindow must be between 0 and 1 minute");
        assertThatThrownBy(() -> builder().heartbeatInterval(Duration.ofMillis(10).minusNanos(1)))
                .hasMessageContaining("heartbeatInterval must be at least 10ms");
        assertThatThrownBy(() -> builder().messageAuthenticationKey(new byte[InvalidatorOptions.MIN_KEY_BYTES - 1]))
                .hasMessage("messageAuthenticationKey must be at least 16 bytes, got 15");
        assertThatThrownBy(() -> builder().publishTimeout(Duration.ZERO))
                .hasMessage("publishTimeout must be positive, got PT0S");
    }

    @Test
    void anInstanceIdPrefixIsOneToTwentyLettersDigitsOrDashes() {
        assertThat(builder().instanceIdPrefix("Orders-eu-1").build().instanceIdPrefix()).isEqualTo("Orders-eu-1");
        assertThat(builder().instanceIdPrefix("x".repeat(20)).build().instanceIdPrefix()).hasSize(20);
        for (String bad : new String[] {"", "x".repeat(21), "orders eu", "orders.eu", "ordérs"}) {
            assertThatThrownBy(() -> builder().instanceIdPrefix(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("instanceIdPrefix").hasMessageContaining("\"" + bad + "\"");
        }
    }

    /** A heartbeat interval or a reorder window of exactly a quarter of the bound keeps the bound: allowed. */
    @Test
    void aHeartbeatIntervalOrReorderWindowOfExactlyAQuarterOfTheBoundIsAllowedAndMoreIsNot() {
        Duration bound = Duration.ofSeconds(4);
        InvalidatorOptions o = builder().maxStalenessWhileDisconnected(bound).heartbeatInterval(Duration.ofSeconds(1))
                .reorderWindow(Duration.ofSeconds(1)).build();
        assertThat(o.heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(o.reorderWindow()).isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> builder().maxStalenessWhileDisconnected(bound)
                .heartbeatInterval(Duration.ofSeconds(1).plusNanos(1)).build())
                .isInstanceOf(CachingConfigurationException.class).hasMessageContaining("heartbeatInterval");
        assertThatThrownBy(() -> builder().maxStalenessWhileDisconnected(bound)
                .reorderWindow(Duration.ofSeconds(1).plusNanos(1)).build())
                .isInstanceOf(CachingConfigurationException.class).hasMessageContaining("reorderWindow");
    }

    @Test
    void withoutAHeartbeatIntervalTheDefaultIsCappedAtAQuarterOfTheBound() {
        assertThat(builder().build().heartbeatInterval()).isEqualTo(InvalidatorOptions.DEFAULT_HEARTBEAT_INTERVAL);
        assertThat(builder().maxStalenessWhileDisconnected(Duration.ofSeconds(8)).build().heartbeatInterval())
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(builder().maxStalenessWhileDisconnected(Duration.ofNanos(3)).build().heartbeatInterval())
                .as("never zero").isEqualTo(Duration.ofNanos(1));
    }

    @Test
    void theKeyIsCopiedInAndOut() {
        byte[] key = new byte[32];
        InvalidatorOptions o = builder().messageAuthenticationKey(key).build();
        key[0] = 1;
        assertThat(o.messageAuthenticationKey()[0]).isZero();
        o.messageAuthenticationKey()[1] = 1;
        assertThat(o.messageAuthenticationKey()[1]).isZero();
        assertThat(builder().messageAuthenticationKey(key).messageAuthenticationKey(null).build()
                .messageAuthenticationKey()).isNull();
    }
}
