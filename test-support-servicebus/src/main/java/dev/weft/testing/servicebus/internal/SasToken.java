package dev.weft.testing.servicebus.internal;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.weft.testing.servicebus.SharedAccessKey;

/**
 * A Service Bus shared access signature, {@code SharedAccessSignature sr=<resource>&sig=<sig>&se=<expiry>&skn=<key
 * name>}, and its verification: the signature is HMAC-SHA256, keyed with the UTF-8 bytes of the policy's key, over
 * the URL-encoded resource, a newline and the expiry in epoch seconds. Immutable and thread-safe.
 */
public final class SasToken {

    private static final String PREFIX = "SharedAccessSignature ";

    private final String rawResource;
    private final String resource;
    private final String signature;
    private final String rawExpiry;
    private final String keyName;

    private SasToken(String rawResource, String signature, String rawExpiry, String keyName) {
        this.rawResource = rawResource;
        this.resource = decode(rawResource);
        this.signature = decode(signature);
        this.rawExpiry = rawExpiry;
        this.keyName = decode(keyName);
    }

    /** Parses a token; empty if it is not a well-formed shared access signature. */
    public static Optional<SasToken> parse(String token) {
        if (token == null || !token.startsWith(PREFIX)) {
            return Optional.empty();
        }
        Map<String, String> fields = new HashMap<>();
        for (String pair : token.substring(PREFIX.length()).trim().split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.put(pair.substring(0, eq).trim().toLowerCase(Locale.ROOT), pair.substring(eq + 1).trim());
            }
        }
        String sr = fields.get("sr");
        String sig = fields.get("sig");
        String se = fields.get("se");
        String skn = fields.get("skn");
        if (sr == null || sig == null || se == null || skn == null) {
            return Optional.empty();
        }
        try {
            Long.parseLong(decode(se));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.of(new SasToken(sr, sig, se, skn));
    }

    /** The resource the token was signed for, decoded ({@code amqp://host/topic}, {@code https://host}). */
    public String resource() {
        return resource;
    }

    public String keyName() {
        return keyName;
    }

    public Instant expiresAt() {
        return Instant.ofEpochSecond(Long.parseLong(decode(rawExpiry)));
    }

    /**
     * Checks the token against the namespace's policies.
     *
     * @param keys finds a policy by name
     * @param now the time to judge expiry by
     * @return the policy that signed the token, or the service-like reason it is refused
     */
    public Verification verify(Function<String, Optional<SharedAccessKey>> keys, Instant now) {
        Optional<SharedAccessKey> key = keys.apply(keyName);
        if (key.isEmpty()) {
            return Verification.refused("InvalidSignature: The token has an invalid signature. "
                + "(no shared access policy named '" + keyName + "')");
        }
        byte[] claimed;
        try {
            claimed = Base64.getDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            return Verification.refused("InvalidSignature: The token has an invalid signature.");
        }
        // Clients sign the resource as they encoded it into the token; accept our own canonical encoding too,
        // in case a client's percent-encoding differs in letter case from Java's.
        String expiry = decode(rawExpiry);
        boolean valid = MessageDigest.isEqual(claimed, sign(key.get().key(), rawResource + "\n" + expiry))
            || MessageDigest.isEqual(claimed, sign(key.get().key(), encode(resource) + "\n" + expiry));
        if (!valid) {
            return Verification.refused("InvalidSignature: The token has an invalid signature.");
        }
        if (!expiresAt().isAfter(now)) {
            return Verification.refused("ExpiredToken: The token is expired. Expiration time: '" + expiresAt() + "'");
        }
        return new Verification(key.get(), null);
    }

    /**
     * Whether a token for {@link #resource()} covers {@code audience}: same host and the audience's path equals or
     * lies under the token's path. The scheme does not matter (the SDK signs {@code https://host} for the HTTP
     * API and {@code amqp://host/entity} for AMQP).
     */
    public boolean covers(String audience) {
        return covers(resource, audience);
    }

    /** See {@link #covers(String)}; public for JWT grants, which are scoped by audience alone. */
    public static boolean covers(String tokenResource, String audience) {
        URI token = URI.create(tokenResource.trim());
        URI target = URI.create(audience.trim());
        if (token.getHost() == null || !token.getHost().equalsIgnoreCase(target.getHost())) {
            return false;
        }
        String tokenPath = trimSlashes(token.getPath()).toLowerCase(Locale.ROOT);
        String targetPath = trimSlashes(target.getPath()).toLowerCase(Locale.ROOT);
        return tokenPath.isEmpty() || targetPath.equals(tokenPath) || targetPath.startsWith(tokenPath + "/");
    }

    /** Builds a token the way the SDK does; for tests and for deliberately wrong connection strings. */
    public static String create(String resource, String keyName, String key, Instant expiresAt) {
        String encodedResource = encode(resource);
        String expiry = Long.toString(expiresAt.getEpochSecond());
        String signature = Base64.getEncoder().encodeToString(sign(key, encodedResource + "\n" + expiry));
        return PREFIX + "sr=" + encodedResource + "&sig=" + encode(signature) + "&se=" + expiry + "&skn="
            + encode(keyName);
    }

    private static byte[] sign(String key, String toSign) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(toSign.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    private static String trimSlashes(String path) {
        String p = path == null ? "" : path;
        int start = 0;
        int end = p.length();
        while (start < end && p.charAt(start) == '/') {
            start++;
        }
        while (end > start && p.charAt(end - 1) == '/') {
            end--;
        }
        return p.substring(start, end);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }

    /**
     * The outcome of {@link #verify}: the signing policy, or why the token is refused.
     *
     * @param key the policy that signed a valid token, else {@code null}
     * @param refusal the reason a token is refused, else {@code null}
     */
    public record Verification(SharedAccessKey key, String refusal) {

        static Verification refused(String reason) {
            return new Verification(null, reason);
        }

        public boolean valid() {
            return key != null;
        }
    }
}
