package dev.weft.spring.boot.actuate;

import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.invalidation.InvalidationMessage;
import dev.weft.caching.invalidation.InvalidationTransport;
import dev.weft.caching.invalidation.InvalidatorOptions;
import dev.weft.caching.invalidation.OnMessageLoss;
import dev.weft.caching.memory.MemoryCachingBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static org.assertj.core.api.Assertions.assertThat;

/** The status rules of the {@code weft} indicator, driven through a transport the test controls. */
class WeftHealthIndicatorTest {

    final ScriptedTransport transport = new ScriptedTransport();
    CacheInvalidator invalidator;

    @AfterEach
    void close() {
        if (invalidator != null) {
            invalidator.close();
        }
    }

    private WeftHealthIndicator indicator(OnMessageLoss onLoss) {
        invalidator = CacheInvalidator.create(MemoryCachingBackend.create(), transport,
                InvalidatorOptions.customTransportBuilder().onMessageLoss(onLoss).build());
        return new WeftHealthIndicator(invalidator, onLoss);
    }

    @Test
    void connectingIsDownThenSubscribedIsUp() {
        WeftHealthIndicator health = indicator(OnMessageLoss.CLEAR_LOCAL_CACHE);
        assertThat(health.health(true).getStatus()).isEqualTo(Status.DOWN);
        transport.listener.onSubscribed();
        Health up = health.health(true);
        assertThat(up.getStatus()).isEqualTo(Status.UP);
        assertThat(up.getDetails()).containsEntry("transport", "scripted").containsEntry("state", "CONNECTED");
    }

    @Test
    void aLostSubscriptionIsDownWithTheReason() {
        WeftHealthIndicator health = indicator(OnMessageLoss.CLEAR_LOCAL_CACHE);
        transport.listener.onSubscribed();
        transport.listener.onDisconnected("connection reset");
        Health down = health.health(true);
        assertThat(down.getStatus()).isEqualTo(Status.DOWN);
        assertThat((String) down.getDetails().get("reason")).contains("lost the subscription");
    }

    @Test
    void aGapClearedByTheDefaultPolicyStaysUp() {
        WeftHealthIndicator health = indicator(OnMessageLoss.CLEAR_LOCAL_CACHE);
        transport.listener.onSubscribed();
        transport.gap();
        Health h = health.health(true);
        assertThat(h.getStatus()).isEqualTo(Status.UP);
        assertThat(h.getDetails()).containsEntry("gapsDetected", 1L);
    }

    @Test
    void aGapWithLogOnlyIsDownUntilTheNextSubscriptionClearsTheCache() {
        WeftHealthIndicator health = indicator(OnMessageLoss.LOG_ONLY);
        transport.listener.onSubscribed();
        transport.gap();
        assertThat(health.health(true).getStatus()).isEqualTo(Status.DOWN);
        transport.listener.onDisconnected("blip");
        transport.listener.onSubscribed();
        assertThat(health.health(true).getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void aClosedInvalidatorIsOutOfService() {
        WeftHealthIndicator health = indicator(OnMessageLoss.CLEAR_LOCAL_CACHE);
        invalidator.close();
        assertThat(health.health(true).getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
    }

    /** A transport whose deliveries the test makes. */
    static final class ScriptedTransport implements InvalidationTransport {
        Listener listener;
        private final UUID peer = UUID.randomUUID();

        /** Messages 1 and 3 from a peer: number 2 was lost. */
        void gap() {
            for (long sequence : new long[] {1, 3}) {
                listener.onMessage(new InvalidationMessage(peer, 1L, sequence, System.currentTimeMillis(),
                        List.of(InvalidationMessage.Operation.key("k" + sequence))).encode());
            }
        }

        @Override
        public void start(Listener listener) {
            this.listener = listener;
        }

        @Override
        public CompletionStage<Void> publish(byte[] message) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public int maxMessageBytes() {
            return 64 * 1024;
        }

        @Override
        public String description() {
            return "scripted transport";
        }

        @Override
        public Map<String, String> details() {
            return Map.of("transport", "scripted");
        }

        @Override
        public void close() {
        }
    }
}
