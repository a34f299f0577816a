package dev.weft.caching.internal.key;

import dev.weft.caching.backend.ItemKey;

import java.util.Arrays;
import java.util.Objects;

/**
 * The key of one call of a cached method: the method's {@link KeyShape} and the call's key components.
 *
 * <p>Equality and hash come from the shape's identity and the components, so a lookup never formats text; the
 * components are chosen by {@link KeyShape} so that equal components mean equal canonical text. The canonical text is
 * built on first request (a miss, an invalidation, a log line) and remembered.
 */
public abstract class MethodKey extends ItemKey {

    final KeyShape shape;
    final int hash;
    // Racy single-check memo: String is immutable and safely published, so a thread may at worst build it twice.
    private String canonical;

    MethodKey(KeyShape shape, int hash) {
        this.shape = shape;
        this.hash = hash;
    }

    /** The number of key components. */
    public abstract int size();

    /** Key component {@code i}: the argument itself for value types, or its key text. */
    public abstract Object component(int i);

    /** The key text of the target instance when its class implements {@code CacheKey}, else {@code null}. */
    public String instance() {
        return null;
    }

    /** The shape (method) this key belongs to. */
    public KeyShape shape() {
        return shape;
    }

    @Override
    public final String canonical() {
        String c = canonical;
        if (c == null) {
            c = shape.render(this);
            canonical = c;
        }
        return c;
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

    /** Any number of components, and optionally the target instance's key text. */
    static final class KeyN extends MethodKey {
        final String instance;
        final Object[] components;

        KeyN(KeyShape shape, String instance, Object[] components) {
            super(shape, 31 * (31 * shape.hash + Objects.hashCode(instance)) + Arrays.hashCode(components));
            this.instance = instance;
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
        public String instance() {
            return instance;
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
            return k.shape == shape && k.hash == hash && Objects.equals(k.instance, instance)
                    && Arrays.equals(k.components, components);
        }
    }
}
