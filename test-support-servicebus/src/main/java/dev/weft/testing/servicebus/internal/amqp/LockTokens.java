package dev.weft.testing.servicebus.internal.amqp;

import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * Lock tokens travel as the delivery tag in .NET {@code Guid} byte order (the first three fields little-endian),
 * and as AMQP uuids in management requests; the SDK converts between the two, so the endpoint must too or a
 * renew-lock would name a token it never issued.
 */
final class LockTokens {

    private LockTokens() {
    }

    static byte[] toDeliveryTag(UUID token) {
        byte[] java = ByteBuffer.allocate(16)
            .putLong(token.getMostSignificantBits())
            .putLong(token.getLeastSignificantBits())
            .array();
        return swapGuidFields(java);
    }

    static UUID fromDeliveryTag(byte[] tag) {
        ByteBuffer buffer = ByteBuffer.wrap(swapGuidFields(tag));
        return new UUID(buffer.getLong(), buffer.getLong());
    }

    /** Reverses bytes 0-3, 4-5 and 6-7; its own inverse. */
    private static byte[] swapGuidFields(byte[] in) {
        if (in.length != 16) {
            throw new IllegalArgumentException("a lock token has 16 bytes, not " + in.length);
        }
        byte[] out = in.clone();
        out[0] = in[3];
        out[1] = in[2];
        out[2] = in[1];
        out[3] = in[0];
        out[4] = in[5];
        out[5] = in[4];
        out[6] = in[7];
        out[7] = in[6];
        return out;
    }
}
