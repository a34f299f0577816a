package dev.weft.caching.azure.internal;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.Locale;

/**
 * Unique subscription names, {@code <prefix>-<host>-<8 random hex digits>}: readable in the portal (which instance
 * of which application), unique without coordination (32 random bits; a taken name is retried with a fresh one),
 * and within the service's rules (at most 50 characters, starting with a letter or digit, ending with a digit).
 */
final class SubscriptionNames {

    static final int MAX_LENGTH = 50;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String stem;

    /** @param prefix the options' instance id prefix (letters, digits, dashes; at most 20 characters) */
    SubscriptionNames(String prefix) {
        this(prefix, hostName());
    }

    SubscriptionNames(String prefix, String host) {
        String p = clean(prefix, 20);
        String h = clean(host, 16);
        String s = (p.isEmpty() ? "weft" : p) + (h.isEmpty() ? "" : "-" + h);
        // 9 characters for "-" and the random part
        this.stem = s.length() > MAX_LENGTH - 9 ? s.substring(0, MAX_LENGTH - 9) : s;
    }

    /** A fresh name. */
    String next() {
        return stem + "-" + String.format(Locale.ROOT, "%08x", RANDOM.nextInt());
    }

    /** Lower case letters, digits and single dashes, no dash at either end, at most {@code max} characters. */
    private static String clean(String s, int max) {
        String c = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-").replaceAll("-{2,}", "-");
        c = c.length() > max ? c.substring(0, max) : c;
        return c.replaceAll("^-+|-+$", "");
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "host";
        }
    }
}
