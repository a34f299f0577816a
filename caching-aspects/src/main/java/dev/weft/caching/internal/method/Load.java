package dev.weft.caching.internal.method;

import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.internal.load.CallStack;
import dev.weft.caching.internal.load.LoadContext;

/**
 * What a cached call does after the hit path found nothing: return an answer ({@link Answer}), rethrow another
 * caller's failure ({@link Failure}), or run the body, uncached ({@link Uncached}) or as the owner of a load that
 * will be stored ({@link Owner}).
 *
 * <p>The woven advice uses it as: {@code if (!load.mustRun()) return load.result();} then runs the body and returns
 * {@link #complete(Object)} of its result, or {@link #failed(Throwable)} of its exception. Confined to the calling
 * thread, except for the completion of an asynchronous result, which runs where that result completes.
 */
public abstract sealed class Load permits Load.Answer, Load.Failure, Load.Uncached, Owner {

    Load() {
    }

    /** Whether the caller must run the method body; if not, {@link #result()} is the call's outcome. */
    public abstract boolean mustRun();

    /** The call's result, for a load that does not run the body; rethrows a failure. */
    public Object result() {
        throw new IllegalStateException("the body must run: " + this);
    }

    /** Records the body's result; returns what the caller gets. */
    public Object complete(Object returned) {
        throw new IllegalStateException("the body did not run: " + this);
    }

    /**
     * Records that the body threw {@code t}, then rethrows it unchanged, checked or not, unless a fail-safe value
     * stands in for it: then returns that value.
     */
    public Object failed(Throwable t) {
        throw new IllegalStateException("the body did not run: " + this);
    }

    @SuppressWarnings("unchecked")
    static <T extends Throwable> RuntimeException sneakyThrow(Throwable t) throws T {
        // rethrows the body's exception, checked or not: the caller's method declares what the body declares
        throw (T) t;
    }

    /** A call answered without running the body: a value found on the slow path, another caller's result. */
    static final class Answer extends Load {
        private final Object value;

        Answer(Object value) {
            this.value = value;
        }

        @Override
        public boolean mustRun() {
            return false;
        }

        @Override
        public Object result() {
            return value;
        }
    }

    /** A call that rethrows the failure of the load it joined. */
    static final class Failure extends Load {
        private final Throwable failure;

        Failure(Throwable failure) {
            this.failure = failure;
        }

        @Override
        public boolean mustRun() {
            return false;
        }

        @Override
        public Object result() {
            throw sneakyThrow(failure);
        }
    }

    /**
     * The body runs without storing anything. Inside an enclosing cached call, the call still passes its key and
     * dependencies up: the enclosing item depends on what this call returned, stored or not.
     */
    static final class Uncached extends Load {
        private static final Uncached TOP_LEVEL = new Uncached(null, null, null, null);

        private final CachedMethod method;
        private final ItemKey key;
        private final Object[] args;
        private final LoadContext context;

        private Uncached(CachedMethod method, ItemKey key, Object[] args, LoadContext context) {
            this.method = method;
            this.key = key;
            this.args = args;
            this.context = context;
        }

        static Uncached of(CachedMethod method, ItemKey key, Object[] args, LoadContext enclosing) {
            if (enclosing == null) {
                return TOP_LEVEL;
            }
            LoadContext context = new LoadContext(CallStack.top(), key);
            CallStack.push(context);
            return new Uncached(method, key, args, context);
        }

        @Override
        public boolean mustRun() {
            return true;
        }

        @Override
        public Object complete(Object returned) {
            if (context != null) {
                CallStack.pop(context);
                context.close();
                CachedMethod.propagate(CallStack.enclosing(CallStack.top()), key,
                        method.dependenciesOf(args, context.collected()));
                if (context.hasServedStale()) {
                    LoadContext enclosing = CallStack.enclosing(CallStack.top());
                    if (enclosing != null) {
                        enclosing.servedStale();
                    }
                }
            }
            return returned;
        }

        @Override
        public Object failed(Throwable t) {
            if (context != null) {
                CallStack.pop(context);
                context.close();
            }
            throw sneakyThrow(t);
        }
    }
}
