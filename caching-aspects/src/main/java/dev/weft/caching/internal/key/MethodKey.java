package dev.weft.caching.internal.key;

import dev.weft.caching.backend.ItemKey;

import java.util.Arrays;
import java.util.Objects;

/**
 * The key of one call of a cached method whose key parameters are all {@link Scalar} values or enums: the method's
 * {@link KeyShape} and the arguments themselves.
 *
 * <p>Equality and hash come from the shape's identity and the arguments, so a lookup writes no text. That agrees with
 * the canonical text: within one shape each position has one declared type, and for those types two values are equal
 * exactly when their texts are. A key received as text is read back into the same object by {@link KeyShape#read},
 * so it finds the entry without any index from text to key, and the text is never stored: {@link #canonical()}
 * writes it each time (a miss, an invalidation, a log line).
 *
 * <p>Sizes: {@code Key1} is 24 bytes with compressed references, the same as the {@code Object[]} plus record key a
 * hand-written Caffeine cache allocates; remembering the text would add 4 bytes per key and about 100 per entry.
 */
public abstract class MethodKey extends ItemKey {

    final KeyShape shape;
    final int hash;

    MethodKey(KeyShape shape, int hash) {
        this.shape = shape;
        this.hash = hash;
    }

    /** The number of key components. */
    public abstract int size();

    /** Key component {@code i}: the argument itself. */
    public abstract Object component(int i);

    /** The shape (method) this key belongs to. */
    public KeyShape shape() {
        return shape;
    }

    @Override
    public final String canonical() {
        return shape.render(this);
    }

    @Override
    public final int hashCode() {
        return hash;
    }

    static int mix(int h, Object component) {
        return 31 * h + Objects.hashCode(component);
    }

    static final class Key0 extends MethodKey {
        Key0(KeyShape shape) {
            super(shape, shape.hash);
        }

        @Override
        public int size() {
            return 0;
        }

        @Override
        public Object component(int i) {
            throw new IndexOutOfBoundsException(i);
        }

        @Override
        public boolean equals(Object o) {
            return o == this || (o instanceof Key0 && ((Key0) o).shape == shape);
        }
    }

    static final class Key1 extends MethodKey {
        final Object c0;

        Key1(KeyShape shape, Object c0) {
            super(shape, mix(shape.hash, c0));
            this.c0 = c0;
        }

        @Override
        public int size() {
            return 1;
        }

        @Override
        public Object component(int i) {
            if (i != 0) {
                throw new IndexOutOfBoundsException(i);
            }
            return c0;
        }

        @Override
        public boolean equals(Object o) {
            if (o == this) {
                return true;
            }
            if (!(o instanceof Key1)) {
                return false;
            }
            Key1 k = (Key1) o;
            return k.shape == shape && k.hash == hash && Objects.equals(k.c0, c0);
        }
    }

    static final class Key2 extends MethodKey {
        final Object c0;
        final Object c1;

        Key2(KeyShape shape, Object c0, Object c1) {
            super(shape, mix(mix(shape.hash, c0), c1));
            this.c0 = c0;
            this.c1 = c1;
        }

        @Override
        public int size() {
            return 2;
        }

        @Override
        public Object component(int i) {
            switch (i) {
                case 0: return c0;
                case 1: return c1;
                default: throw new IndexOutOfBoundsException(i);
            }
        }

        @Override
        public boolean equals(Object o) {
            if (o == this) {
                return true;
            }
            if (!(o instanceof Key2)) {
                return false;
            }
            Key2 k = (Key2) o;
            return k.shape == shape && k.hash == hash && Objects.equals(k.c0, c0) && Objects.equals(k.c1, c1);
        }
    }

    static final class Key3 extends MethodKey {
        final Object c0;
        final Object c1;
        final Object c2;

        Key3(KeyShape shape, Object c0, Object c1, Object c2) {
            super(shape, mix(mix(mix(shape.hash, c0), c1), c2));
            this.c0 = c0;
            this.c1 = c1;
            this.c2 = c2;
        }

        @Override
        public int size() {
            return 3;
        }

        @Override
        public Object component(int i) {
            switch (i) {
                case 0: return c0;
                case 1: return c1;
                case 2: return c2;
                default: throw new IndexOutOfBoundsException(i);
            }
        }

        @Override
        public boolean equals(Object o) {
            if (o == this) {
                return true;
            }
            if (!(o instanceof Key3)) {
                return false;
            }
            Key3 k = (Key3) o;
            return k.shape == shape && k.hash == hash && Objects.equals(k.c0, c0) && Objects.equals(k.c1, c1)
                    && Objects.equals(k.c2, c2);
        }
    }

    /** Any number of components. */
    static final class KeyN extends MethodKey {
        final Object[] components;

        KeyN(KeyShape shape, Object[] components) {
            super(shape, 31 * shape.hash + Arrays.hashCode(components));
            this.components = components;
        }

        @Override
        public int size() {
            return components.length;
        }

        @Override
        public Object component(int i) {
            return components[i];
        }

        @Override
        public boolean equals(Object o) {
            if (o == this) {
                return true;
            }
            if (!(o instanceof KeyN)) {
                return false;
            }
            KeyN k = (KeyN) o;
            return k.shape == shape && k.hash == hash && Arrays.equals(k.components, components);
        }
    }
}
