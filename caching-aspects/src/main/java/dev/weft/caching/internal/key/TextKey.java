package dev.weft.caching.internal.key;

import dev.weft.caching.backend.ItemKey;

/**
 * A key that is its canonical text: the key of a call whose arguments include collections, records, application
 * types or an instance implementing {@code CacheKey} (their text is written on every call anyway), of a call whose
 * text was shortened to a digest, and of {@link ItemKey#of(String)} for text that is not a {@link MethodKey}'s.
 * Equal exactly when the texts are.
 */
public final class TextKey extends ItemKey {

    private final String text;

    /** @param text a non-empty canonical key */
    public TextKey(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("a cache key must be a non-empty string, got "
                    + (text == null ? "null" : "\"\""));
        }
        this.text = text;
    }

    @Override
    public String canonical() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o == this || (o instanceof TextKey && ((TextKey) o).text.equals(text));
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
