package dev.weft.caching.redis.backend.internal;

import dev.weft.caching.backend.ValueSerializationException;
import dev.weft.caching.backend.ValueSerializer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A value as Redis holds it: the serializer's format id (one length byte, then ASCII), then its bytes. An instance
 * whose serializer writes another format reads such a value as absent, never as garbage.
 */
public final class ValueCodec {

    private final ValueSerializer serializer;
    private final byte[] header;

    public ValueCodec(ValueSerializer serializer) {
        this.serializer = serializer;
        byte[] id = serializer.formatId().getBytes(StandardCharsets.US_ASCII);
        this.header = new byte[id.length + 1];
        header[0] = (byte) id.length;
        System.arraycopy(id, 0, header, 1, id.length);
    }

    /** @throws ValueSerializationException as the serializer does */
    public byte[] encode(Object value) {
        byte[] body = serializer.serialize(value);
        byte[] out = Arrays.copyOf(header, header.length + body.length);
        System.arraycopy(body, 0, out, header.length, body.length);
        return out;
    }

    /** @throws ValueSerializationException as the serializer does, or for another format */
    public Object decode(byte[] stored) {
        if (stored.length < header.length || !Arrays.equals(stored, 0, header.length, header, 0, header.length)) {
            throw new ValueSerializationException("a value in Redis was written in another format than "
                    + serializer.formatId() + " (an instance with another serializer?)");
        }
        return serializer.deserialize(Arrays.copyOfRange(stored, header.length, stored.length));
    }

    public ValueSerializer serializer() {
        return serializer;
    }
}
