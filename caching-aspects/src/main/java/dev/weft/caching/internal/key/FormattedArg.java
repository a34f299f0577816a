package dev.weft.caching.internal.key;

/**
 * A key component held as its key text: used for arguments whose own {@code equals} may disagree with their key
 * text (collections, arrays, records, user types), and which may be mutable. Equal exactly when the texts are.
 */
final class FormattedArg {

    final String text;

    FormattedArg(String text) {
        this.text = text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FormattedArg && ((FormattedArg) o).text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
