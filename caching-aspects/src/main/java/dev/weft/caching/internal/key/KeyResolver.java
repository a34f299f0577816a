package dev.weft.caching.internal.key;

import dev.weft.caching.backend.ItemKey;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns canonical text into the key a local call of the same method with the same arguments makes: a
 * {@link MethodKey} when the method's shape is structural and known here, a {@link TextKey} otherwise. This is how an
 * invalidation received from another instance, or {@code ItemKey.of(text)}, finds an entry without any index from
 * text to key. A shape that is not known here has no entries here either.
 */
public final class KeyResolver {

    private static final ConcurrentHashMap<String, KeyShape> SHAPES = new ConcurrentHashMap<>();

    private KeyResolver() {
    }

    /** Makes a structural shape's keys readable from text; the newest shape of a method wins (a redeployment). */
    static void register(KeyShape shape) {
        SHAPES.put(shape.prefix(), shape);
    }

    /** The key whose canonical text is {@code text}. */
    public static ItemKey resolve(String text) {
        if (text != null) {
            int open = text.indexOf('(');
            if (open > 0) {
                KeyShape shape = SHAPES.get(text.substring(0, open));
                if (shape != null) {
                    MethodKey key = shape.read(text);
                    if (key != null) {
                        return key;
                    }
                }
            }
        }
        return new TextKey(text);
    }
}
