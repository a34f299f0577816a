package dev.weft.caching.invalidation.internal;

import dev.weft.caching.invalidation.InvalidationMessage;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Signs and checks messages with HMAC-SHA256 under the options' {@code messageAuthenticationKey}: the layout every
 * format version keeps (flag bit 0 of byte 3, then a 32-byte HMAC of everything before it at the end; see
 * {@link InvalidationMessage}).
 *
 * <p>What it protects against: anyone who can publish on the channel but does not hold the key (a misconfigured
 * application on a shared Redis, a compromised client with publish rights) can neither invalidate nor clear. What it
 * does not: replays of genuine messages (harmless, since receipt is idempotent) and eavesdropping (messages carry
 * keys in clear; use TLS).
 *
 * <p>Thread-safe: one {@link Mac} per direction, used under its lock (a few microseconds per message; a sender signs
 * one message at a time and a transport delivers on one thread, so the locks are not contended).
 */
public final class MessageSigner {

    private static final String ALGORITHM = "HmacSHA256";

    private final Mac signing;
    private final Mac checking;

    /** @throws IllegalArgumentException when the JVM cannot compute HMAC-SHA256 with this key */
    public MessageSigner(byte[] key) {
        this.signing = mac(key);
        this.checking = mac(key);
    }

    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use the message authentication key for " + ALGORITHM, e);
        }
    }

    /** The signed form of an unsigned encoded message: the signed flag set, the HMAC appended. */
    public byte[] sign(byte[] unsigned) {
        byte[] signed = Arrays.copyOf(unsigned, unsigned.length + InvalidationMessage.SIGNATURE_BYTES);
        signed[InvalidationMessage.FLAGS_OFFSET] |= InvalidationMessage.FLAG_SIGNED;
        synchronized (signing) {
            signing.update(signed, 0, unsigned.length);
            try {
                signing.doFinal(signed, unsigned.length);
            } catch (javax.crypto.ShortBufferException e) {
                throw new IllegalStateException(e);
            }
        }
        return signed;
    }

    /**
     * Whether {@code bytes} carry the signed flag and a valid HMAC under this key. Never throws: a {@code null}, short
     * or unsigned message is simply not authentic. The comparison takes the same time wherever the bytes differ.
     */
    public boolean verify(byte[] bytes) {
        if (bytes == null || bytes.length < InvalidationMessage.FLAGS_OFFSET + 1 + InvalidationMessage.SIGNATURE_BYTES
                || (bytes[InvalidationMessage.FLAGS_OFFSET] & InvalidationMessage.FLAG_SIGNED) == 0) {
            return false;
        }
        int body = bytes.length - InvalidationMessage.SIGNATURE_BYTES;
        byte[] expected;
        synchronized (checking) {
            checking.update(bytes, 0, body);
            expected = checking.doFinal();
        }
        return MessageDigest.isEqual(expected, Arrays.copyOfRange(bytes, body, bytes.length));
    }
}
