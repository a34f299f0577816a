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
 * One message of the invalidation wire format, shared by every transport: who sent it, where it stands in the
 * sender's sequence, and, for an invalidation, a batch of operations. It never carries cached values.
 *
 * <h2>Format, version 2 (big-endian)</h2>
 * <pre>
 *  0  2 bytes  magic "WF"
 *  2  1 byte   format version (2)
 *  3  1 byte   flags: bit 0 = signed (see below); a reader rejects any other bit
 *  4  1 byte   message type: 1 invalidation, 2 heartbeat, 3 goodbye
 *  5 16 bytes  sender instance id (random per invalidator instance)
 * 21  8 bytes  sender start time, epoch milliseconds
 * 29  8 bytes  sequence number. An invalidation: its own number, from 1, incremented by the sender per invalidation
 *              message. A heartbeat or a goodbye: the last number the sender had published (0 before the first).
 *              Below 2^63 - 1 (a reader rejects that number)
 * 37  8 bytes  sent-at time, epoch milliseconds (for latency metrics only)
 * 45  4 bytes  operation count (0 for a heartbeat or a goodbye)
 * 49  operations: 1 byte type (1 invalidate key, 2 invalidate dependency, 3 clear), then for 1 and 2 an unsigned
 *     2-byte length and that many bytes of UTF-8
 *     then, when signed, 32 bytes: HMAC-SHA256 of every byte before them (flags included)
 * </pre>
 *
 * <p><b>What every version keeps</b>, so that a reader can judge a message of a version it does not know: bytes 0-1
 * are the magic, byte 2 the version, byte 3 the flags, and a message whose flag bit 0 is set ends with a 32-byte
 * HMAC-SHA256 of everything before it. A receiver holding the key can thus authenticate a newer peer's message (and
 * clear its cache for it) while refusing a forged one.
 *
 * <p>Decoding is strict: wrong magic, unknown flags, message or operation types, lengths past the end, malformed
 * UTF-8, more operations or bytes than the limits, and trailing bytes are all rejected with
 * {@link InvalidationMessageFormatException}. A message whose magic matches but whose version is unknown is rejected
 * as {@link InvalidationMessageFormatException.Kind#UNKNOWN_VERSION}: the receiver must not guess at it. The decoder
 * skips a signature without checking it: checking needs the key, which the receiver holds.
 *
 * <p>Version 1 (no message type, no signature) is not read: a fleet must not mix Weft versions that speak 1 and 2
 * (each side counts the other's messages as {@code unknownVersionMessages} and clears its cache for them).
 *
 * <p>Immutable and thread-safe.
 */
public final class InvalidationMessage {

    /** The format version this class writes. */
    public static final int VERSION = 2;
    /** Bytes before the first operation. */
    public static final int HEADER_BYTES = 49;
    /** Bytes of the signature that ends a signed message: an HMAC-SHA256. */
    public static final int SIGNATURE_BYTES = 32;
    /** Bit of the flags byte (offset 3) set on a signed message, in every format version. */
    public static final int FLAG_SIGNED = 1;
    /** Offset of the flags byte, in every format version. */
    public static final int FLAGS_OFFSET = 3;
    /** The longest key or dependency the format can carry, in UTF-8 bytes. */
    public static final int MAX_TARGET_BYTES = 0xFFFF;

    private static final byte MAGIC_0 = 'W';
    private static final byte MAGIC_1 = 'F';

    /** What a message is. */
    public enum Type {
        /** A batch of operations, with its own sequence number. */
        INVALIDATION(1),
        /**
         * "I am alive, and the last invalidation message I published is number n": sent when a sender has published
         * nothing for a heartbeat interval. A receiver that has not seen n knows the sender's last messages were lost.
         */
        HEARTBEAT(2),
        /** "I am closing, and my last invalidation message was number n": receivers check it and forget the sender. */
        GOODBYE(3);

        final byte code;

        Type(int code) {
            this.code = (byte) code;
        }
    }

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

    private final Type type;
    private final UUID sender;
    private final long senderStartMillis;
    private final long sequence;
    private final long sentAtMillis;
    private final List<Operation> operations;

    /**
     * An invalidation message.
     *
     * @throws IllegalArgumentException for a sequence below 1
     */
    public InvalidationMessage(UUID sender, long senderStartMillis, long sequence, long sentAtMillis,
                               List<Operation> operations) {
        this(Type.INVALIDATION, sender, senderStartMillis, sequence, sentAtMillis,
                Collections.unmodifiableList(new ArrayList<>(operations)));
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence numbers start at 1, got " + sequence);
        }
    }

    private InvalidationMessage(Type type, UUID sender, long senderStartMillis, long sequence, long sentAtMillis,
                                List<Operation> operations) {
        this.type = type;
        this.sender = Objects.requireNonNull(sender, "sender");
        this.senderStartMillis = senderStartMillis;
        this.sequence = sequence;
        this.sentAtMillis = sentAtMillis;
        this.operations = operations;
    }

    /**
     * A heartbeat: the sender is alive and its last invalidation message was {@code lastSequence} (0 before its
     * first).
     *
     * @throws IllegalArgumentException for a negative {@code lastSequence}
     */
    public static InvalidationMessage heartbeat(UUID sender, long senderStartMillis, long lastSequence,
                                                long sentAtMillis) {
        return control(Type.HEARTBEAT, sender, senderStartMillis, lastSequence, sentAtMillis);
    }

    /**
     * A goodbye: the sender is closing and its last invalidation message was {@code finalSequence} (0 if none).
     *
     * @throws IllegalArgumentException for a negative {@code finalSequence}
     */
    public static InvalidationMessage goodbye(UUID sender, long senderStartMillis, long finalSequence,
                                              long sentAtMillis) {
        return control(Type.GOODBYE, sender, senderStartMillis, finalSequence, sentAtMillis);
    }

    private static InvalidationMessage control(Type type, UUID sender, long senderStartMillis, long sequence,
                                               long sentAtMillis) {
        if (sequence < 0) {
            throw new IllegalArgumentException("a " + type + " carries a sequence number of 0 or more, got "
                    + sequence);
        }
        return new InvalidationMessage(type, sender, senderStartMillis, sequence, sentAtMillis, List.of());
    }

    /** What this message is. */
    public Type type() {
        return type;
    }

    public UUID sender() {
        return sender;
    }

    public long senderStartMillis() {
        return senderStartMillis;
    }

    /**
     * An invalidation's own number (from 1); for a heartbeat or a goodbye, the sender's last invalidation message's
     * number (0 before its first).
     */
    public long sequence() {
        return sequence;
    }

    public long sentAtMillis() {
        return sentAtMillis;
    }

    public List<Operation> operations() {
        return operations;
    }

    /** The encoded size of an unsigned invalidation message with these operations. */
    public static int encodedSize(List<Operation> operations) {
        int size = HEADER_BYTES;
        for (Operation op : operations) {
            size += op.encodedSize();
        }
        return size;
    }

    /**
     * Encodes this message, unsigned (the invalidator signs it when the options hold a key).
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
        b.put(MAGIC_0).put(MAGIC_1).put((byte) VERSION).put((byte) 0).put(type.code);
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
        int flags = bytes[FLAGS_OFFSET] & 0xFF;
        if ((flags & ~FLAG_SIGNED) != 0) {
            throw malformed("unknown flags " + flags);
        }
        int end = (flags & FLAG_SIGNED) != 0 ? bytes.length - SIGNATURE_BYTES : bytes.length;
        if (end < HEADER_BYTES) {
            throw malformed("truncated header: " + bytes.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 0, end);
        b.position(4);
        byte typeCode = b.get();
        Type type;
        if (typeCode == Type.INVALIDATION.code) {
            type = Type.INVALIDATION;
        } else if (typeCode == Type.HEARTBEAT.code) {
            type = Type.HEARTBEAT;
        } else if (typeCode == Type.GOODBYE.code) {
            type = Type.GOODBYE;
        } else {
            throw malformed("unknown message type " + typeCode);
        }
        UUID sender = new UUID(b.getLong(), b.getLong());
        long senderStart = b.getLong();
        long sequence = b.getLong();
        long sentAt = b.getLong();
        int count = b.getInt();
        // Long.MAX_VALUE is refused too: a receiver expects the number after the last, and no sender gets there
        if ((type == Type.INVALIDATION ? sequence < 1 : sequence < 0) || sequence == Long.MAX_VALUE) {
            throw malformed("sequence " + sequence + " in a " + type);
        }
        if (type != Type.INVALIDATION && count != 0) {
            throw malformed(count + " operations in a " + type);
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
            byte opType = b.get();
            if (opType == Kind.CLEAR.code) {
                ops.add(Operation.clear());
                continue;
            }
            if (opType != Kind.KEY.code && opType != Kind.DEPENDENCY.code) {
                throw malformed("unknown operation type " + opType + " at operation " + i);
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
            ops.add(opType == Kind.KEY.code ? Operation.key(target) : Operation.dependency(target));
        }
        if (b.hasRemaining()) {
            throw malformed(b.remaining() + " trailing bytes");
        }
        return type == Type.INVALIDATION ? new InvalidationMessage(sender, senderStart, sequence, sentAt, ops)
                : new InvalidationMessage(type, sender, senderStart, sequence, sentAt, List.of());
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
        return "InvalidationMessage{" + type + ", sender=" + sender + ", sequence=" + sequence + ", operations="
                + operations.size() + '}';
    }
}
