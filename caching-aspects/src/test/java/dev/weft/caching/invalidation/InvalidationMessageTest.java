package dev.weft.caching.invalidation;

import dev.weft.caching.invalidation.InvalidationMessage.Operation;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/** The wire format: round trips, strictness, and a fuzz test of the decoder. */
class InvalidationMessageTest {

    private static final InvalidationMessage.Limits LIMITS = new InvalidationMessage.Limits(256 * 1024, 100_000);
    private static final UUID SENDER = UUID.fromString("3f2504e0-4f89-11d3-9a0c-0305e82c3301");

    private static InvalidationMessage sample() {
        return new InvalidationMessage(SENDER, 1_700_000_000_000L, 42, 1_700_000_000_123L, List.of(
                Operation.key("com.acme.Svc.get(42)"),
                Operation.dependency("product:é東京"),
                Operation.clear()));
    }

    @Test
    void aMessageRoundTripsExactly() throws Exception {
        InvalidationMessage m = sample();
        byte[] bytes = m.encode();
        assertThat(bytes).hasSize(InvalidationMessage.encodedSize(m.operations()));
        InvalidationMessage back = InvalidationMessage.decode(bytes, LIMITS);
        assertThat(back.sender()).isEqualTo(SENDER);
        assertThat(back.senderStartMillis()).isEqualTo(1_700_000_000_000L);
        assertThat(back.sequence()).isEqualTo(42);
        assertThat(back.sentAtMillis()).isEqualTo(1_700_000_000_123L);
        assertThat(back.operations()).containsExactlyElementsOf(m.operations());
    }

    @Test
    void theHeaderIsMagicVersionZeroFlagsAndType() {
        byte[] bytes = sample().encode();
        assertThat(Arrays.copyOf(bytes, 5)).containsExactly('W', 'F', 2, 0, 1);
    }

    @Test
    void heartbeatsAndGoodbyesRoundTripWithTheLastNumber() throws Exception {
        InvalidationMessage h = InvalidationMessage.decode(
                InvalidationMessage.heartbeat(SENDER, 11, 0, 12).encode(), LIMITS);
        assertThat(h.type()).isEqualTo(InvalidationMessage.Type.HEARTBEAT);
        assertThat(h.sequence()).as("0: nothing published yet").isZero();
        assertThat(h.operations()).isEmpty();
        byte[] goodbye = InvalidationMessage.goodbye(SENDER, 11, 42, 13).encode();
        assertThat(goodbye).hasSize(InvalidationMessage.HEADER_BYTES);
        InvalidationMessage g = InvalidationMessage.decode(goodbye, LIMITS);
        assertThat(g.type()).isEqualTo(InvalidationMessage.Type.GOODBYE);
        assertThat(g.sequence()).isEqualTo(42);
        assertThat(g.sender()).isEqualTo(SENDER);
    }

    @Test
    void aHeartbeatWithOperationsOrAnUnknownMessageTypeIsMalformed() {
        byte[] withOps = sample().encode();
        withOps[4] = 2;
        assertMalformed(withOps, "operations in a HEARTBEAT");
        byte[] unknownType = InvalidationMessage.heartbeat(SENDER, 0, 1, 0).encode();
        unknownType[4] = 9;
        assertMalformed(unknownType, "message type 9");
    }

    /**
     * The largest number is refused on the wire: the receiver's tracker expects the number after the last it saw, and
     * a forged invalidation or heartbeat numbered {@code Long.MAX_VALUE} overflowed it (loss counts went negative and
     * losses went unreported). No real sender gets there. Fails without the bound in {@code decode}.
     */
    @Test
    void theLargestSequenceNumberIsMalformedInEveryMessageType() throws Exception {
        byte[] invalidation = sample().encode();
        java.nio.ByteBuffer.wrap(invalidation).putLong(29, Long.MAX_VALUE);
        assertMalformed(invalidation, "sequence " + Long.MAX_VALUE);
        byte[] heartbeat = InvalidationMessage.heartbeat(SENDER, 11, 0, 12).encode();
        java.nio.ByteBuffer.wrap(heartbeat).putLong(29, Long.MAX_VALUE);
        assertMalformed(heartbeat, "sequence " + Long.MAX_VALUE);
        byte[] lastValid = sample().encode();
        java.nio.ByteBuffer.wrap(lastValid).putLong(29, Long.MAX_VALUE - 1);
        assertThat(InvalidationMessage.decode(lastValid, LIMITS).sequence()).isEqualTo(Long.MAX_VALUE - 1);
    }

    @Test
    void aSignedMessageDecodesWithoutItsSignatureAndAnUnsignedOneWithSignedFlagIsTruncated() throws Exception {
        byte[] unsigned = sample().encode();
        byte[] signed = new dev.weft.caching.invalidation.internal.MessageSigner(
                "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8)).sign(unsigned);
        assertThat(signed).hasSize(unsigned.length + InvalidationMessage.SIGNATURE_BYTES);
        assertThat(signed[3]).isEqualTo((byte) InvalidationMessage.FLAG_SIGNED);
        assertThat(InvalidationMessage.decode(signed, LIMITS).operations()).isEqualTo(sample().operations());
        byte[] flagOnly = unsigned.clone();
        flagOnly[3] = InvalidationMessage.FLAG_SIGNED;
        assertThatThrownBy(() -> InvalidationMessage.decode(flagOnly, LIMITS))
                .isInstanceOf(InvalidationMessageFormatException.class);
    }

    @Test
    void anUnknownVersionIsReportedAsSuchNotAsMalformed() {
        byte[] bytes = sample().encode();
        bytes[2] = 3;
        assertThatThrownBy(() -> InvalidationMessage.decode(bytes, LIMITS))
                .isInstanceOfSatisfying(InvalidationMessageFormatException.class,
                        e -> assertThat(e.kind()).isEqualTo(InvalidationMessageFormatException.Kind.UNKNOWN_VERSION))
                .hasMessageContaining("version 3");
        byte[] version1 = bytes.clone();
        version1[2] = 1;
        assertThatThrownBy(() -> InvalidationMessage.decode(version1, LIMITS))
                .isInstanceOfSatisfying(InvalidationMessageFormatException.class,
                        e -> assertThat(e.kind()).isEqualTo(InvalidationMessageFormatException.Kind.UNKNOWN_VERSION));
    }

    @Test
    void strictDecodingRejectsWhatIsNotExactlyAMessage() {
        byte[] good = sample().encode();
        assertMalformed("wrong magic".getBytes(StandardCharsets.UTF_8), "magic");
        byte[] flags = good.clone();
        flags[3] = 2;
        assertMalformed(flags, "flags");
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        assertMalformed(trailing, "trailing");
        byte[] badType = good.clone();
        badType[InvalidationMessage.HEADER_BYTES] = 9;
        assertMalformed(badType, "operation type 9");
        byte[] tooManyOps = good.clone();
        tooManyOps[45] = 0x7F;
        assertMalformed(tooManyOps, "operations");
        byte[] badUtf8 = new InvalidationMessage(SENDER, 0, 1, 0, List.of(Operation.key("ab"))).encode();
        badUtf8[badUtf8.length - 1] = (byte) 0xC3;
        assertMalformed(badUtf8, "UTF-8");
        byte[] zeroSequence = good.clone();
        Arrays.fill(zeroSequence, 29, 37, (byte) 0);
        assertMalformed(zeroSequence, "sequence");
        assertMalformed(new byte[0], "magic");
        assertMalformed(null, "no payload");
    }

    @Test
    void aMessageOverTheSizeLimitIsRejectedBeforeParsing() {
        byte[] big = new byte[2048];
        big[0] = 'W';
        big[1] = 'F';
        big[2] = 2;
        assertMalformed(big, new InvalidationMessage.Limits(1024, 10), "more than the limit");
    }

    @Test
    void targetsTooLongForTheFormatAreRefusedWhenEncoding() {
        String huge = "x".repeat(InvalidationMessage.MAX_TARGET_BYTES + 1);
        assertThatThrownBy(() -> new InvalidationMessage(SENDER, 0, 1, 0, List.of(Operation.key(huge))).encode())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyTruncationOfAValidMessageIsRejected() {
        byte[] good = sample().encode();
        for (int length = 0; length < good.length; length++) {
            byte[] truncated = Arrays.copyOf(good, length);
            try {
                InvalidationMessage.decode(truncated, LIMITS);
                fail("a message truncated to " + length + " bytes was accepted");
            } catch (InvalidationMessageFormatException expected) {
                assertThat(expected.kind()).isEqualTo(InvalidationMessageFormatException.Kind.MALFORMED);
            }
        }
    }

    /**
     * Fuzz: random bytes, random mutations of valid messages, random lengths. The decoder either returns a message
     * that re-encodes to the same bytes, or throws its own exception: never anything else.
     */
    @Test
    void theDecoderNeverThrowsAnythingButItsOwnExceptionAndAcceptsOnlyCanonicalBytes() {
        SplittableRandom random = new SplittableRandom(20261123);
        int accepted = 0;
        int rejected = 0;
        for (int i = 0; i < 200_000; i++) {
            byte[] input;
            switch (i % 4) {
                case 0:
                    input = new byte[random.nextInt(120)];
                    random.nextBytes(input);
                    if (input.length > 4 && random.nextBoolean()) {
                        input[0] = 'W';
                        input[1] = 'F';
                        input[2] = 2;
                        input[3] = 0;
                    }
                    break;
                case 1:
                    input = randomMessage(random).encode();
                    input[random.nextInt(input.length)] ^= (byte) (1 << random.nextInt(8));
                    break;
                case 2:
                    byte[] valid = randomMessage(random).encode();
                    input = Arrays.copyOf(valid, random.nextInt(valid.length + 8));
                    break;
                default:
                    input = randomMessage(random).encode();
                    break;
            }
            try {
                InvalidationMessage m = InvalidationMessage.decode(input, LIMITS);
                assertThat(m.encode()).as("re-encoding of accepted input %d", i).isEqualTo(input);
                accepted++;
            } catch (InvalidationMessageFormatException e) {
                rejected++;
            } catch (RuntimeException e) {
                throw new AssertionError("input " + i + " " + Arrays.toString(input) + " threw " + e, e);
            }
        }
        System.out.printf("codec fuzz: %,d inputs, %,d accepted, %,d rejected%n", accepted + rejected, accepted,
                rejected);
        assertThat(accepted).isPositive();
        assertThat(rejected).isPositive();
    }

    private static InvalidationMessage randomMessage(SplittableRandom random) {
        List<Operation> ops = new ArrayList<>();
        int n = random.nextInt(6);
        for (int i = 0; i < n; i++) {
            switch (random.nextInt(3)) {
                case 0:
                    ops.add(Operation.key("k" + random.nextInt(1000) + "é"));
                    break;
                case 1:
                    ops.add(Operation.dependency("d:" + random.nextLong()));
                    break;
                default:
                    ops.add(Operation.clear());
                    break;
            }
        }
        return new InvalidationMessage(new UUID(random.nextLong(), random.nextLong()), random.nextLong(),
                1 + random.nextInt(Integer.MAX_VALUE), random.nextLong(), ops);
    }

    @Test
    void theLimitsThemselvesAreAllowedAndOneBeyondIsNot() throws Exception {
        byte[] bytes = sample().encode();
        assertThat(InvalidationMessage.decode(bytes, new InvalidationMessage.Limits(bytes.length, 3)).operations())
                .hasSize(3);
        assertMalformed(bytes, new InvalidationMessage.Limits(bytes.length - 1, 3), "more than the limit");
        assertMalformed(bytes, new InvalidationMessage.Limits(bytes.length, 2), "3 operations, limit 2");
        InvalidationMessage.Limits smallest = new InvalidationMessage.Limits(InvalidationMessage.HEADER_BYTES, 1);
        assertThat(InvalidationMessage.decode(InvalidationMessage.heartbeat(SENDER, 1, 1, 1).encode(), smallest)
                .type()).isEqualTo(InvalidationMessage.Type.HEARTBEAT);
        assertThatThrownBy(() -> new InvalidationMessage.Limits(InvalidationMessage.HEADER_BYTES - 1, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new InvalidationMessage.Limits(InvalidationMessage.HEADER_BYTES, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTargetOfTheFormatsMaximumLengthRoundTrips() throws Exception {
        String longest = "x".repeat(InvalidationMessage.MAX_TARGET_BYTES);
        byte[] bytes = new InvalidationMessage(SENDER, 0, 1, 0, List.of(Operation.dependency(longest))).encode();
        assertThat(InvalidationMessage.decode(bytes, LIMITS).operations())
                .containsExactly(Operation.dependency(longest));
    }

    /** The reason names what is wrong: a length field cut off, or a length that points past the end. */
    @Test
    void aTargetLengthCutOffOrPastTheEndIsReportedAsSuch() {
        byte[] full = new InvalidationMessage(SENDER, 0, 1, 0, List.of(Operation.key("abc"))).encode();
        assertMalformed(Arrays.copyOf(full, InvalidationMessage.HEADER_BYTES + 2), "truncated length at operation 0");
        assertMalformed(Arrays.copyOf(full, InvalidationMessage.HEADER_BYTES + 3),
                "bad target length 3 at operation 0");
    }

    /**
     * What an operation says it takes is what it takes, at each boundary of UTF-8's lengths and for characters
     * outside the basic plane (the sender splits messages by it); a lone surrogate is never under-counted.
     */
    @Test
    void anOperationsEncodedSizeIsTheBytesItsTargetTakesInUtf8() {
        for (String s : new String[] {"\u007F", "\u0080", "\u07FF", "\u0800", "\uFFFF", "\uD83D\uDE00",
                "a\uD83D\uDE00b", "product:\u00e9\u6771\u4eac\uD83D\uDE00"}) {
            int utf8 = s.getBytes(StandardCharsets.UTF_8).length;
            assertThat(Operation.key(s).encodedSize()).as(s).isEqualTo(3 + utf8);
            assertThat(new InvalidationMessage(SENDER, 0, 1, 0, List.of(Operation.key(s))).encode())
                    .hasSize(InvalidationMessage.HEADER_BYTES + 3 + utf8);
        }
        for (String lone : new String[] {"a\uD83D", "\uD83Dx", "\uDE00"}) {
            assertThat(Operation.key(lone).encodedSize()).as(lone)
                    .isGreaterThanOrEqualTo(3 + lone.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    /** Log lines and assertion messages show a message by type, sender, number and size, never by its keys. */
    @Test
    void aMessageReadsAsItsTypeSenderNumberAndSizeAndAnOperationAsItsKindAndTarget() {
        assertThat(sample().toString()).isEqualTo("InvalidationMessage{INVALIDATION, sender=" + SENDER
                + ", sequence=42, operations=3}");
        assertThat(sample().operations()).extracting(Operation::toString)
                .containsExactly("KEY com.acme.Svc.get(42)", "DEPENDENCY product:\u00e9\u6771\u4eac", "CLEAR");
    }

    private static void assertMalformed(byte[] bytes, String messagePart) {
        assertMalformed(bytes, LIMITS, messagePart);
    }

    private static void assertMalformed(byte[] bytes, InvalidationMessage.Limits limits, String messagePart) {
        assertThatThrownBy(() -> InvalidationMessage.decode(bytes, limits))
                .isInstanceOfSatisfying(InvalidationMessageFormatException.class,
                        e -> assertThat(e.kind()).isEqualTo(InvalidationMessageFormatException.Kind.MALFORMED))
                .hasMessageContaining(messagePart);
    }
}
