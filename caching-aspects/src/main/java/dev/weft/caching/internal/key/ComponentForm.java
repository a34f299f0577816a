package dev.weft.caching.internal.key;

/**
 * How one key parameter of a structural shape is written and read back: a {@link Scalar}, or an enum written as
 * {@code Color.RED}. Only types whose {@code equals} agrees with their text have a form.
 */
abstract class ComponentForm {

    /** The form of a declared parameter type, or {@code null} when the type's key is its text. */
    static ComponentForm of(Class<?> type, KeyFormatting formatting) {
        Scalar scalar = Scalar.of(type);
        if (scalar != null) {
            return new ScalarForm(scalar, !type.isPrimitive());
        }
        if (type.isEnum() && !formatting.hasApplicationForm(type)) {
            return new EnumForm(type);
        }
        return null;
    }

    /** Appends the text of a non-null value. */
    abstract void write(Object v, StringBuilder out);

    /** Reads a non-null value at {@code at} into {@code into[0]}; returns the index after it, or -1. */
    abstract int read(String s, int at, Object[] into);

    /** The longest text of a value, or -1 when unbounded. */
    abstract int maxLength();

    /** Whether the parameter can be {@code null} (not a primitive). */
    abstract boolean nullable();

    private static final class ScalarForm extends ComponentForm {
        private final Scalar scalar;
        private final boolean nullable;

        ScalarForm(Scalar scalar, boolean nullable) {
            this.scalar = scalar;
            this.nullable = nullable;
        }

        @Override
        void write(Object v, StringBuilder out) {
            scalar.write(v, out);
        }

        @Override
        int read(String s, int at, Object[] into) {
            return scalar.read(s, at, into);
        }

        @Override
        int maxLength() {
            return scalar.maxLength;
        }

        @Override
        boolean nullable() {
            return nullable;
        }
    }

    private static final class EnumForm extends ComponentForm {
        private final Class<?> type;
        private final String tag;
        private final int maxLength;

        EnumForm(Class<?> type) {
            this.type = type;
            this.tag = type.getSimpleName() + '.';
            int longest = 0;
            for (Object constant : type.getEnumConstants()) {
                longest = Math.max(longest, ((Enum<?>) constant).name().length());
            }
            this.maxLength = tag.length() + longest;
        }

        @Override
        void write(Object v, StringBuilder out) {
            out.append(tag).append(((Enum<?>) v).name());
        }

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        int read(String s, int at, Object[] into) {
            if (!s.startsWith(tag, at)) {
                return -1;
            }
            int end = at + tag.length();
            while (end < s.length() && s.charAt(end) != ',' && s.charAt(end) != ')') {
                end++;
            }
            try {
                into[0] = Enum.valueOf((Class) type, s.substring(at + tag.length(), end));
                return end;
            } catch (IllegalArgumentException e) {
                return -1;
            }
        }

        @Override
        int maxLength() {
            return maxLength;
        }

        @Override
        boolean nullable() {
            return true;
        }
    }
}
