package dev.weft.testing.servicebus;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A shared access policy of the test namespace: a key name, its key and the rights it grants. Immutable.
 *
 * <p>The key is used the way Service Bus uses it: its UTF-8 bytes are the HMAC-SHA256 secret (it is not
 * Base64-decoded first, although generated keys look like Base64).
 *
 * @param name the policy ("SharedAccessKeyName"), never blank
 * @param key the secret ("SharedAccessKey"), never blank
 * @param rights what a token signed with this key may do; {@link AccessRight#MANAGE} implies the others
 */
public record SharedAccessKey(String name, String key, Set<AccessRight> rights) {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Validates and defensively copies the rights. */
    public SharedAccessKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(rights, "rights");
        if (name.isBlank()) {
            throw new IllegalArgumentException("key name must not be blank");
        }
        if (key.isBlank()) {
            throw new IllegalArgumentException("key of '" + name + "' must not be blank");
        }
        EnumSet<AccessRight> copy = rights.isEmpty() ? EnumSet.noneOf(AccessRight.class) : EnumSet.copyOf(rights);
        if (copy.contains(AccessRight.MANAGE)) {
            copy.addAll(EnumSet.allOf(AccessRight.class));
        }
        rights = Set.copyOf(copy);
    }

    /** A policy with the given key. */
    public static SharedAccessKey of(String name, String key, AccessRight... rights) {
        return new SharedAccessKey(name, key, Set.of(rights));
    }

    /** A policy with a fresh random 256-bit key, Base64-encoded like the portal's. */
    public static SharedAccessKey generate(String name, AccessRight... rights) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return of(name, Base64.getEncoder().encodeToString(secret), rights);
    }

    /** Whether a token signed with this key carries {@code right}. */
    public boolean grants(AccessRight right) {
        return rights.contains(right);
    }

    /** Hides the secret so that test logs and assertion messages never print it. */
    @Override
    public String toString() {
        return "SharedAccessKey[name=" + name + ", rights=" + rights + "]";
    }
}
