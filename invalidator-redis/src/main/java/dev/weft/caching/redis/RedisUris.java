package dev.weft.caching.redis;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Keeps the credentials of a Redis URI out of messages, in every form Lettuce accepts: {@code scheme://password@host},
 * {@code scheme://:password@host}, {@code scheme://user:password@host}, for {@code redis}, {@code rediss},
 * {@code redis+ssl}, {@code redis+tls}, {@code redis-socket}, {@code redis+socket}, {@code redis-sentinel} and
 * {@code rediss-sentinel}; raw or percent-encoded. Whatever stands between {@code ://} and the last {@code @} is
 * treated as a secret, and so is each part of it around a colon, in both encodings: any of them found in a text is
 * replaced by {@code ***}.
 */
final class RedisUris {

    private static final String HIDDEN = "***";

    private RedisUris() {
    }

    /** {@code text} with every credential of {@code uri} hidden. */
    static String redact(String uri, String text) {
        if (uri == null || text == null) {
            return text;
        }
        String result = text;
        for (String secret : secrets(uri)) {
            result = result.replace(secret, HIDDEN);
        }
        return result;
    }

    private static Set<String> secrets(String uri) {
        Set<String> secrets = new LinkedHashSet<>();
        int start = uri.indexOf("://");
        start = start < 0 ? 0 : start + 3;
        int fragment = uri.indexOf('#', start);
        int at = uri.lastIndexOf('@', fragment < 0 ? uri.length() : fragment);
        if (at < start) {
            return secrets;
        }
        String userInfo = uri.substring(start, at);
        add(secrets, userInfo);
        int colon = userInfo.indexOf(':');
        if (colon >= 0) {
            add(secrets, userInfo.substring(colon + 1));
            // a user name alone is not a secret, but "user:" + password is already covered above
        }
        // longest first, so that a part never leaves the rest of a longer secret visible
        return sortedLongestFirst(secrets);
    }

    private static void add(Set<String> secrets, String secret) {
        if (secret.isEmpty()) {
            return;
        }
        secrets.add(secret);
        try {
            String decoded = URLDecoder.decode(secret.replace("+", "%2B"), StandardCharsets.UTF_8);
            if (!decoded.isEmpty()) {
                secrets.add(decoded);
            }
        } catch (IllegalArgumentException notEncoded) {
            // a stray '%': the raw form is all there is
        }
    }

    private static Set<String> sortedLongestFirst(Set<String> secrets) {
        Set<String> sorted = new LinkedHashSet<>();
        secrets.stream().sorted((a, b) -> Integer.compare(b.length(), a.length())).forEach(sorted::add);
        return sorted;
    }
}
