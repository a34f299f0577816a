package dev.weft.caching.invalidation;

import dev.weft.caching.invalidation.InvalidationMessage.Operation;
import dev.weft.caching.invalidation.internal.MessageSigner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz of the whole receive path of a {@link CacheInvalidator} (signature check, decoder, tracker, application, clear
 * coalescing): random bytes and mutations of real messages (invalidations, heartbeats, goodbyes of a few dozen
 * senders): bit flips, overwritten bytes, truncations, extensions, splices, changed versions, flags and types.
 *
 * <p>Each run asserts that nothing escaped (the receive path counts an exception it catches as malformed, so the
 * malformed count must equal the inputs the decoder itself rejects), that every input landed in exactly one counter
 * (so every rejection is counted), and that a valid invalidation sent after all of it is applied.
 */
class ReceivePathFuzzTest {

    private static final byte[] KEY = "fuzzing key, thirty-two bytes!!!".getBytes(StandardCharsets.UTF_8);
    private static final InvalidationMessage.Limits LIMITS = new InvalidationMessage.Limits(64 * 1024, 100_000);

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aMillionRandomAndMutatedMessagesBreakNothingAndAreEachCounted() throws Exception {
        fuzz(1_000_000, null, 20261207L);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void withAKeyThreeHundredThousandMoreIncludingSignedMutationsAreEachCountedToo() throws Exception {
        fuzz(300_000, new MessageSigner(KEY), 7L);
    }

    private void fuzz(int inputs, MessageSigner signer, long seed) throws Exception {
        ScriptedTransport transport = new ScriptedTransport();
        RecordingBackend local = new RecordingBackend();
        InvalidatorOptions.GenericBuilder options = InvalidatorOptions.customTransportBuilder()
                .maxStalenessWhileDisconnected(Duration.ofSeconds(30));
        if (signer != null) {
            options.messageAuthenticationKey(KEY);
        }
        SplittableRandom random = new SplittableRandom(seed);
        List<UUID> senders = new ArrayList<>();
        long[] sequences = new long[40];
        for (int i = 0; i < sequences.length; i++) {
            senders.add(new UUID(random.nextLong(), random.nextLong()));
        }
        long decoderRejects = 0;
        long unsigned = 0;
        long started = System.nanoTime();
        try (CacheInvalidator invalidator = CacheInvalidator.create(local, transport, options.build())) {
            for (int i = 0; i < inputs; i++) {
                byte[] input = input(random, senders, sequences, signer, i);
                if (signer != null && !signer.verify(input)) {
                    unsigned++;
                } else if (!decodes(input)) {
                    decoderRejects++;
                }
                transport.deliver(input);
            }
            InvalidatorStatus s = invalidator.status();
            long landed = s.malformedMessages() + s.unknownVersionMessages() + s.unauthenticatedMessages()
                    + s.ownMessagesIgnored() + s.messagesReceived() + s.heartbeatsReceived() + s.goodbyesReceived();
            System.out.printf("receive-path fuzz (%s): %,d inputs in %d ms; applied %,d, heartbeats %,d, goodbyes %,d, "
                            + "malformed %,d, unknown version %,d, unauthenticated %,d, gaps %,d, senders now %d, "
                            + "tracker overflows %d, clears %,d%n", signer == null ? "no key" : "key", inputs,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), s.messagesReceived(),
                    s.heartbeatsReceived(), s.goodbyesReceived(), s.malformedMessages(), s.unknownVersionMessages(),
                    s.unauthenticatedMessages(), s.gapsDetected(), s.knownSenders(), s.trackerOverflows(),
                    local.clears.get());
            assertThat(landed).as("every input landed in exactly one counter").isEqualTo(inputs);
            assertThat(s.unauthenticatedMessages()).isEqualTo(unsigned);
            assertThat(s.malformedMessages() + s.unknownVersionMessages())
                    .as("rejections are the decoder's, and no exception escaped to the catch-all")
                    .isEqualTo(decoderRejects);
            assertThat(s.messagesReceived()).as("some inputs were valid").isPositive();
            assertThat(s.malformedMessages()).as("some were not").isPositive();
            assertThat(s.knownSenders()).isLessThanOrEqualTo(10_000);

            // after all of it, a real sender's next invalidation still applies
            local.put("sentinel", "old");
            UUID sender = senders.get(3);
            byte[] valid = new InvalidationMessage(sender, 1, ++sequences[3], System.currentTimeMillis(),
                    List.of(Operation.key("sentinel"))).encode();
            transport.deliver(signer == null ? valid : signer.sign(valid));
            assertThat(local.has("sentinel")).isFalse();
            assertThat(local.invalidated).contains("sentinel");
        }
    }

    private static boolean decodes(byte[] input) {
        try {
            InvalidationMessage.decode(input, LIMITS);
            return true;
        } catch (InvalidationMessageFormatException e) {
            return false;
        }
    }

    /** One input: a quarter valid, the rest random or mutated; with a signer, mostly signed after mutation. */
    private static byte[] input(SplittableRandom random, List<UUID> senders, long[] sequences, MessageSigner signer,
                                int i) {
        byte[] real = realMessage(random, senders, sequences);
        byte[] input;
        switch (random.nextInt(12)) {
            case 0:
            case 1:
            case 2:
                input = real;
                break;
            case 3:
                input = new byte[random.nextInt(200)];
                random.nextBytes(input);
                break;
            case 4:
                input = real.clone();
                for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                    input[random.nextInt(input.length)] ^= (byte) (1 << random.nextInt(8));
                }
                break;
            case 5:
                input = real.clone();
                input[random.nextInt(input.length)] = (byte) random.nextInt(256);
                break;
            case 6:
                input = Arrays.copyOf(real, random.nextInt(real.length));
                break;
            case 7:
                input = Arrays.copyOf(real, real.length + 1 + random.nextInt(40));
                break;
            case 8:
                byte[] other = realMessage(random, senders, sequences);
                int cut = random.nextInt(Math.min(real.length, other.length));
                input = Arrays.copyOf(real, other.length);
                System.arraycopy(other, cut, input, cut, other.length - cut);
                break;
            case 9:
                input = real.clone();
                input[2] = (byte) random.nextInt(6);
                break;
            case 10:
                input = real.clone();
                input[random.nextBoolean() ? 3 : 4] = (byte) random.nextInt(8);
                break;
            default:
                input = i % 1000 == 0 ? (i % 2000 == 0 ? null : new byte[0]) : new byte[] {'W', 'F', 2};
                break;
        }
        if (signer == null || input == null) {
            return input;
        }
        int choice = random.nextInt(10);
        if (choice < 7) {
            return signer.sign(input);
        }
        if (choice < 9) {
            byte[] signed = signer.sign(real);
            signed[random.nextInt(signed.length)] ^= (byte) (1 << random.nextInt(8));
            return signed;
        }
        return input;
    }

    /** A message one of the senders would send next: an invalidation mostly, sometimes a heartbeat or a goodbye. */
    private static byte[] realMessage(SplittableRandom random, List<UUID> senders, long[] sequences) {
        int s = random.nextInt(senders.size());
        UUID sender = senders.get(s);
        int kind = random.nextInt(20);
        long now = System.currentTimeMillis();
        if (kind == 0) {
            return InvalidationMessage.heartbeat(sender, 1, sequences[s], now).encode();
        }
        if (kind == 1) {
            return InvalidationMessage.goodbye(sender, 1, sequences[s], now).encode();
        }
        List<Operation> ops = new ArrayList<>();
        for (int n = 1 + random.nextInt(4); n > 0; n--) {
            int op = random.nextInt(10);
            ops.add(op == 0 ? Operation.clear() : op < 6 ? Operation.key("com.acme.Svc.get(" + random.nextInt(1000)
                    + ")") : Operation.dependency("product:" + random.nextInt(1000) + "é"));
        }
        // now and then a skipped number, as a lost message would leave
        sequences[s] += random.nextInt(50) == 0 ? 2 : 1;
        return new InvalidationMessage(sender, 1, sequences[s], now, ops).encode();
    }
}
