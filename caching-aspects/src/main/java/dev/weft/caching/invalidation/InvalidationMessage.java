package dev.weft.caching.invalidation;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One message of the invalidation wire format, shared by every transport: who sent it, its place in the sender's
 * sequence, and a batch of operations. It never carries cached values.
 *
 * <h2>Format, version 1 (big-endian)</h2>
 * <pre>
 *  0  2 bytes  magic "WF"
 *  2  1 byte   format version (1)
 *  3  1 byte   flags (0; a reader rejects anything else)
 *  4 16 bytes  sender instance id (random per invalidator instance)
 * 20  8 bytes  sender start time, epoch milliseconds
 * 28  8 bytes  sequence number, from 1, incremented by the sender per message
 * 36  8 bytes  sent-at time, epoch milliseconds (for latency metrics only)
 * 44  4 bytes  operation count
 * 48  operations: 1 byte type (1 invalidate key, 2 invalidate dependency, 3 clear), then for 1 and 2 an unsigned
 *     2-byte length and that many bytes of UTF-8
 * </pre>
 * Decoding is strict: wrong magic, unknown flags or operation types, lengths past the end, malformed UTF-8, more
 * operations or bytes than the limits, and trailing bytes are all rejected with
 * {@link InvalidationMessageFormatException}. A message whose magic matches but whose version is unknown is rejected
 * as {@link InvalidationMessageFormatException.Kind#UNKNOWN_VERSION}: the receiver must not guess at it.
 *
 * <p>Immutable and thread-safe.
 */
public final class InvalidationMessage {

    /** The format version this class writes. */
    public static final int VERSION = 1;
    /** Bytes before the first operation. */
    public static final int HEADER_BYTES = 48;
    /** The longest key or dependency the format can carry, in UTF-8 bytes. */
    public static final int MAX_TARGET_BYTES = 0xFFFF;

    private static final byte MAGIC_0 = 'W';
    private static final byte MAGIC_1 = 'F';

    /** What an operation does. */
    public enum Kind {
        /** Remove the item with this canonical key, and the items depending on it. */
        KEY(1),
        /** Remove the items carrying this dependency. */
        DEPENDENCY(2),
        /** Remove everything. */
        CLEAR(3);

        final byte code;

        Kind(int code) {
            this.code = (byte) code;
        }
    }

    /** One operation: a kind and, except for {@link Kind#CLEAR}, its target. */
    public static final class Operation {
        private static final Operation CLEAR_ALL = new Operation(Kind.CLEAR, null);

        private final Kind kind;
        private final String target;

        private Operation(Kind kind, String target) {
            this.kind = kind;
            this.target = target;
        }

        /** Invalidate a key. */
        public static Operation key(String key) {
            return new Operation(Kind.KEY, requireTarget(key));
        }

        /** Invalidate a dependency. */
        public static Operation dependency(String dependency) {
            return new Operation(Kind.DEPENDENCY, requireTarget(dependency));
        }

        /** Clear everything. */
        public static Operation clear() {
            return CLEAR_ALL;
        }

        private static String requireTarget(String target) {
            Objects.requireNonNull(target, "target");
            if (target.isEmpty()) {
                throw new IllegalArgumentException("an invalidation target must not be empty");
            }
            return target;
        }

        public Kind kind() {
            return kind;
        }

        /** The key or dependency; {@code null} for {@link Kind#CLEAR}. */
        public String target() {
            return target;
        }

        /** The bytes this operation takes in a message. */
        public int encodedSize() {
            return kind == Kind.CLEAR ? 1 : 3 + utf8Length(target);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Operation && ((Operation) o).kind == kind
                    && Objects.equals(((Operation) o).target, target);
        }

        @Override
        public int hashCode() {
            return kind.hashCode() * 31 + Objects.hashCode(target);
        }

        @Override
        public String toString() {
            return kind == Kind.CLEAR ? "CLEAR" : kind + " " + target;
        }
    }

    /** Limits a receiver enforces while decoding. */
    public static final class Limits {
        final int maxMessageBytes;
        final int maxOperations;

        /** @param maxMessageBytes largest accepted message; @param maxOperations most operations per message */
        public Limits(int maxMessageBytes, int maxOperations) {
            if (maxMessageBytes < HEADER_BYTES || maxOperations < 1) {
                throw new IllegalArgumentException("limits too small: maxMessageBytes=" + maxMessageBytes
                        + ", maxOperations=" + maxOperations);
            }
            this.maxMessageBytes = maxMessageBytes;
            this.maxOperations = maxOperations;
        }
    }

    private final UUID sender;
    private final long senderStartMillis;
    private final long sequence;
    private final long sentAtMillis;
    private final List<Operation> operations;

    /**
     * A message.
     *
     * @throws IllegalArgumentException for a sequence below 1
     */
    public InvalidationMessage(UUID sender, long senderStartMillis, long sequence, long sentAtMillis,
                               List<Operation> operations) {
        this.sender = Objects.requireNonNull(sender, "sender");
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence numbers start at 1, got " + sequence);
        }
        this.senderStartMillis = senderStartMillis;
        this.sequence = sequence;
        this.sentAtMillis = sentAtMillis;
        this.operations = Collections.unmodifiableList(new ArrayList<>(operations));
    }

    public UUID sender() {
        return sender;
    }

    public long senderStartMillis() {
        return senderStartMillis;
    }

    public long sequence() {
        return sequence;
    }

    public long sentAtMillis() {
        return sentAtMillis;
    }

    public List<Operation> operations() {
        return operations;
    }

    /** The encoded size of a message with these operations. */
    public static int encodedSize(List<Operation> operations) {
        int size = HEADER_BYTES;
        for (Operation op : operations) {
            size += op.encodedSize();
        }
        return size;
    }

    /**
     * Encodes this message.
     *
     * @throws IllegalArgumentException when a target is longer than {@link #MAX_TARGET_BYTES} in UTF-8
     */
    public byte[] encode() {
        List<byte[]> targets = new ArrayList<>(operations.size());
        int size = HEADER_BYTES;
        for (Operation op : operations) {
            if (op.kind == Kind.CLEAR) {
                targets.add(null);
                size += 1;
            } else {
                byte[] t = op.target.getBytes(StandardCharsets.UTF_8);
                if (t.length > MAX_TARGET_BYTES) {
                    throw new IllegalArgumentException("an invalidation target of " + t.length + " UTF-8 bytes does "
                            + "not fit the wire format (at most " + MAX_TARGET_BYTES + ")");
                }
                targets.add(t);
                size += 3 + t.length;
            }
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put(MAGIC_0).put(MAGIC_1).put((byte) VERSION).put((byte) 0);
        b.putLong(sender.getMostSignificantBits()).putLong(sender.getLeastSignificantBits());
        b.putLong(senderStartMillis).putLong(sequence).putLong(sentAtMillis);
        b.putInt(operations.size());
        for (int i = 0; i < operations.size(); i++) {
            b.put(operations.get(i).kind.code);
            byte[] t = targets.get(i);
            if (t != null) {
                b.putShort((short) t.length).put(t);
            }
        }
        return b.array();
    }

    /**
     * Decodes a message, strictly.
     *
     * @throws InvalidationMessageFormatException when the bytes are not a valid message within the limits
     */
    public static InvalidationMessage decode(byte[] bytes, Limits limits) throws InvalidationMessageFormatException {
        if (bytes == null) {
            throw malformed("no payload");
        }
        if (bytes.length > limits.maxMessageBytes) {
            throw malformed(bytes.length + " bytes, more than the limit of " + limits.maxMessageBytes);
        }
        if (bytes.length < 4 || bytes[0] != MAGIC_0 || bytes[1] != MAGIC_1) {
            throw malformed("not a Weft invalidation message (wrong magic)");
        }
        int version = bytes[2] & 0xFF;
        if (version != VERSION) {
            throw new InvalidationMessageFormatException(InvalidationMessageFormatException.Kind.UNKNOWN_VERSION,
                    "format version " + version + " (this reader knows " + VERSION + ")");
        }
        if (bytes.length < HEADER_BYTES) {
            throw malformed("truncated header: " + bytes.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        b.position(3);
        int flags = b.get() & 0xFF;
        if (flags != 0) {
            throw malformed("unknown flags " + flags);
        }
        UUID sender = new UUID(b.getLong(), b.getLong());
        long senderStart = b.getLong();
        long sequence = b.getLong();
        long sentAt = b.getLong();
        int count = b.getInt();
        if (sequence < 1) {
            throw malformed("sequence " + sequence);
        }
        if (count < 0 || count > limits.maxOperations) {
            throw malformed(count + " operations, limit " + limits.maxOperations);
        }
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        List<Operation> ops = new ArrayList<>(Math.min(count, 1024));
        for (int i = 0; i < count; i++) {
            if (!b.hasRemaining()) {
                throw malformed("truncated at operation " + i + " of " + count);
            }
            byte type = b.get();
            if (type == Kind.CLEAR.code) {
                ops.add(Operation.clear());
                continue;
            }
            if (type != Kind.KEY.code && type != Kind.DEPENDENCY.code) {
                throw malformed("unknown operation type " + type + " at operation " + i);
            }
            if (b.remaining() < 2) {
                throw malformed("truncated length at operation " + i);
            }
            int length = b.getShort() & 0xFFFF;
            if (length == 0 || length > b.remaining()) {
                throw malformed("bad target length " + length + " at operation " + i);
            }
            ByteBuffer slice = b.slice();
            slice.limit(length);
            b.position(b.position() + length);
            String target;
            try {
                CharBuffer chars = utf8.decode(slice);
                target = chars.toString();
            } catch (CharacterCodingException e) {
                throw malformed("malformed UTF-8 at operation " + i);
            }
            ops.add(type == Kind.KEY.code ? Operation.key(target) : Operation.dependency(target));
        }
        if (b.hasRemaining()) {
            throw malformed(b.remaining() + " trailing bytes");
        }
        return new InvalidationMessage(sender, senderStart, sequence, sentAt, ops);
    }

    private static InvalidationMessageFormatException malformed(String why) {
        return new InvalidationMessageFormatException(InvalidationMessageFormatException.Kind.MALFORMED, why);
    }

    static int utf8Length(String s) {
        int n = 0;
        for (int i = 0, len = s.length(); i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    @Override
    public String toString() {
        return "InvalidationMessage{sender=" + sender + ", sequence=" + sequence + ", operations=" + operations.size()
                + '}';
    }
}
