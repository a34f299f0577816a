package dev.weft.architecture.hitpath;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Method;
import java.util.function.Supplier;

/**
 * Small "hit paths" for {@code HitPathRuleTest}, each entered through its {@code hit} method and each with at most one
 * thing the rule must find. Not Weft code: the architecture rules read only the modules' own class directories.
 */
public final class Fixtures {

    private static final Logger LOG = LoggerFactory.getLogger(Fixtures.class);

    private Fixtures() {
    }

    /** A store behind an interface: which implementation runs is decided at run time. */
    public interface Store {
        Object get(Object key);
    }

    /** Does only what a hit may: calls of its own and of the JDK. */
    public static final class Clean {
        public Object hit(Object key) {
            return describe(key);
        }

        private static String describe(Object key) {
            return String.valueOf(key).trim();
        }
    }

    /** Logs two calls below its entry point. */
    public static final class LogsTwoCallsDeep {
        public Object hit(Object key) {
            return first(key);
        }

        private Object first(Object key) {
            return second(key);
        }

        private Object second(Object key) {
            LOG.debug("hit {}", key);
            return key;
        }
    }

    /** Calls a store through its interface; one implementation reads an annotation. */
    public static final class ThroughAnInterface {
        private final Store store;

        public ThroughAnInterface(Store store) {
            this.store = store;
        }

        public Object hit(Object key) {
            return store.get(key);
        }
    }

    /** A well-behaved store. */
    public static final class PlainStore implements Store {
        @Override
        public Object get(Object key) {
            return key;
        }
    }

    /** A store that looks up an annotation on every read. */
    public static final class AnnotationReadingStore implements Store {
        @Override
        public Object get(Object key) {
            return key.getClass().isAnnotationPresent(Deprecated.class) ? null : key;
        }
    }

    /** Logs inside a lambda its entry point creates and runs. */
    public static final class LogsInALambda {
        public Object hit(Object key) {
            Supplier<Object> s = () -> {
                LOG.trace("hit {}", key);
                return key;
            };
            return s.get();
        }
    }

    /** Invokes a method reflectively. */
    public static final class InvokesReflectively {
        public Object hit(Method accessor, Object key) throws ReflectiveOperationException {
            return accessor.invoke(key);
        }
    }

    /** Builds its formatter once (a boundary); the formatter it hands out runs on every hit, and reflects. */
    public static final class HandsOutAFormatter {
        private java.util.function.Function<Object, String> formatter;

        public Object hit(Object key) {
            java.util.function.Function<Object, String> f = formatter;
            if (f == null) {
                f = formatter();
            }
            return f.apply(key);
        }

        private java.util.function.Function<Object, String> formatter() {
            formatter = HandsOutAFormatter::format;
            return formatter;
        }

        private static String format(Object key) {
            return key.getClass().getDeclaredFields().length + ":" + key;
        }
    }

    /** Resolves a class by name, in a method the rule is told runs once (a boundary), not on every hit. */
    public static final class ResolvesOnFirstUse {
        private Class<?> type;

        public Object hit(Object key) throws ClassNotFoundException {
            Class<?> t = type;
            if (t == null) {
                t = resolve();
            }
            return t.isInstance(key) ? key : null;
        }

        private Class<?> resolve() throws ClassNotFoundException {
            type = Class.forName("java.lang.String");
            return type;
        }
    }
}
