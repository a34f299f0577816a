package dev.weft.caching.invalidation.internal;

import dev.weft.caching.invalidation.InvalidationMessage;
import dev.weft.caching.invalidation.InvalidationMessage.Operation;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link MessageSigner#verify} accepts: a message that says it is signed (the flag) and carries the HMAC of
 * everything before it under the key, and nothing else, whatever its bytes.
 */
class MessageSignerTest {

    private static final byte[] KEY = "the application's shared secret!".getBytes(StandardCharsets.UTF_8);

    private final MessageSigner signer = new MessageSigner(KEY);
    private final byte[] unsigned = new InvalidationMessage(UUID.randomUUID(), 1, 1, 2,
            List.of(Operation.key("k"))).encode();

    @Test
    void aSignedMessageVerifiesAndAnyChangedByteDoesNot() {
        byte[] signed = signer.sign(unsigned);
        assertThat(signer.verify(signed)).isTrue();
        for (int i : new int[] {0, InvalidationMessage.FLAGS_OFFSET + 1, unsigned.length - 1, signed.length - 1}) {
            byte[] changed = signed.clone();
            changed[i] ^= 0x10;
            assertThat(signer.verify(changed)).as("byte %d changed", i).isFalse();
        }
    }

    /**
     * Verifying and decoding agree on the layout: a message without the signed flag has no signature, even when its
     * last 32 bytes happen to be the HMAC of the rest.
     */
    @Test
    void aMessageWithoutTheSignedFlagIsNotAuthenticWhateverItsLastBytes() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
        byte[] unflagged = Arrays.copyOf(unsigned, unsigned.length + InvalidationMessage.SIGNATURE_BYTES);
        mac.update(unsigned);
        mac.doFinal(unflagged, unsigned.length);
        assertThat(unflagged[InvalidationMessage.FLAGS_OFFSET] & InvalidationMessage.FLAG_SIGNED).isZero();
        assertThat(signer.verify(unflagged)).isFalse();
    }

    @Test
    void nullAndShortMessagesAreNotAuthentic() {
        assertThat(signer.verify(null)).isFalse();
        byte[] signed = signer.sign(unsigned);
        assertThat(signer.verify(Arrays.copyOf(signed, InvalidationMessage.FLAGS_OFFSET
                + InvalidationMessage.SIGNATURE_BYTES))).isFalse();
        assertThat(signer.verify(new MessageSigner("another application's key, as long".getBytes(
                StandardCharsets.UTF_8)).sign(unsigned))).isFalse();
    }
}
