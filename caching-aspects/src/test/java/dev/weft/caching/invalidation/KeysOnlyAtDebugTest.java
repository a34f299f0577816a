package dev.weft.caching.invalidation;

import dev.weft.caching.invalidation.InvalidationMessage.Operation;
import dev.weft.caching.invalidation.internal.MessageSigner;
import dev.weft.caching.testing.LogRecorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 14, case 7, "keys only at DEBUG": keys and dependency keys carry argument values (personal data), so no
 * INFO, WARN or ERROR line of the invalidation paths may show one. Every path that logs about an invalidation message
 * or a publish is driven here with keys that carry a recognisable marker, and every log event of Weft is recorded
 * with its level: the marker must never appear at INFO or above, and does appear at DEBUG (so the recording sees
 * what it should). The load path (stale values, failed and superseded loads) is tested in the tests module.
 */
class KeysOnlyAtDebugTest {

    static final String MARKER = "PERSONAL-4711";
    static final String KEY = "com.acme.Customers.find(\"" + MARKER + "\")";
    static final String DEPENDENCY = "customer:" + MARKER;
    private static final byte[] SECRET = "the application's shared secret!".getBytes(StandardCharsets.UTF_8);

    @RegisterExtension
    final LogRecorder log = new LogRecorder();

    private final ScriptedTransport transport = new ScriptedTransport();
    private final RecordingBackend local = new RecordingBackend();
    private final UUID peer = UUID.randomUUID();
    private final long peerStart = System.currentTimeMillis() - 60_000;
    private CacheInvalidator invalidator;

    @AfterEach
    void close() {
        if (invalidator != null) {
            invalidator.close();
        }
        assertThat(log.atInfoOrAbove()).as("no INFO/WARN/ERROR line shows a key").noneMatch(l -> l.text()
                .contains(MARKER));
    }

    private void start(InvalidatorOptions.Builder<?> options) {
        invalidator = CacheInvalidator.create(local, transport,
                options.maxStalenessWhileDisconnected(Duration.ofMillis(800)).build());
    }

    private byte[] message(long sequence, Operation... ops) {
        return new InvalidationMessage(peer, peerStart, sequence, System.currentTimeMillis(), List.of(ops)).encode();
    }

    private static Operation[] personal() {
        return new Operation[] {Operation.key(KEY), Operation.dependency(DEPENDENCY)};
    }

    @Test
    void receivingLostGarbledUnknownAndUnappliableMessagesLogsNoKey() {
        start(InvalidatorOptions.customTransportBuilder());
        transport.deliver(message(1, personal()));
        transport.deliver(message(5, personal()));                       // three lost: a gap
        transport.deliver(message(5, personal()));                       // a duplicate
        transport.deliver(InvalidationMessage.heartbeat(peer, peerStart, 7, System.currentTimeMillis()).encode());
        byte[] real = message(8, personal());
        byte[] otherVersion = real.clone();
        otherVersion[2] = 99;                                            // an unknown format version
        transport.deliver(otherVersion);
        transport.deliver(Arrays.copyOf(real, real.length - 3));         // truncated inside the dependency
        byte[] trailing = Arrays.copyOf(real, real.length + MARKER.length());
        System.arraycopy(MARKER.getBytes(StandardCharsets.UTF_8), 0, trailing, real.length, MARKER.length());
        transport.deliver(trailing);                                     // trailing bytes that spell the marker
        transport.deliver(("WF garbage " + KEY).getBytes(StandardCharsets.UTF_8));
        transport.deliver(KEY.getBytes(StandardCharsets.UTF_8));         // not a Weft message at all
        transport.deliver(InvalidationMessage.goodbye(peer, peerStart, 12, System.currentTimeMillis()).encode());

        InvalidatorStatus status = invalidator.status();
        assertThat(status.gapsDetected()).as("the lost messages were noticed").isPositive();
        assertThat(status.unknownVersionMessages()).as("version 99, and \"WF \" read as version 32").isEqualTo(2);
        assertThat(status.malformedMessages()).isGreaterThanOrEqualTo(2);
        assertThat(local.invalidated).contains(KEY);
        assertThat(log.atInfoOrAbove()).as("the problems were logged").isNotEmpty();
    }

    @Test
    void aBackendThatFailsToApplyAnInvalidationLogsNoKey() {
        RecordingBackend failing = new RecordingBackend() {
            @Override
            public void invalidate(String key) {
                throw new IllegalStateException("the local cache is broken");
            }
        };
        invalidator = CacheInvalidator.create(failing, transport, InvalidatorOptions.customTransportBuilder()
                .maxStalenessWhileDisconnected(Duration.ofMillis(800)).build());
        transport.deliver(message(1, personal()));
        assertThat(log.atInfoOrAbove()).anyMatch(l -> l.text().contains("failed to apply"));
    }

    @Test
    void unsignedAndWronglySignedMessagesLogNoKey() {
        start(InvalidatorOptions.customTransportBuilder().messageAuthenticationKey(SECRET));
        MessageSigner wrong = new MessageSigner("someone else's key, as long as it".getBytes(StandardCharsets.UTF_8));
        transport.deliver(message(1, personal()));
        transport.deliver(wrong.sign(message(2, personal())));
        assertThat(invalidator.status().unauthenticatedMessages()).isEqualTo(2);
        assertThat(local.invalidated).isEmpty();
    }

    @Test
    void invalidationsThatCannotBeSentLogNoKeyAtWarnButTheKeyAtDebug() {
        start(InvalidatorOptions.customTransportBuilder().publishTimeout(Duration.ofMillis(200)));
        // a broker that refuses: the publish fails and is retried
        transport.refusing = true;
        invalidator.invalidate(KEY);
        invalidator.invalidateDependency(DEPENDENCY);
        await().atMost(Duration.ofSeconds(5)).until(() -> invalidator.status().publishFailures() > 0);
        // the transport known down: applied locally, collapsed into one clear
        transport.up = false;
        invalidator.invalidate(KEY);
        invalidator.invalidateDependency(DEPENDENCY);
        // a key too large for one message: a clear instead
        invalidator.invalidate(KEY + "x".repeat(128 * 1024));
        transport.up = true;
        transport.refusing = false;
        await().atMost(Duration.ofSeconds(10)).until(() -> !transport.published().isEmpty());

        assertThat(log.atInfoOrAbove()).as("the failures were logged")
                .anyMatch(l -> l.text().contains("failed"))
                .anyMatch(l -> l.text().contains("does not fit one message"));
        assertThat(log.belowInfo()).as("at DEBUG the key is there for whoever needs it")
                .anyMatch(l -> l.text().contains(MARKER));
    }
}
