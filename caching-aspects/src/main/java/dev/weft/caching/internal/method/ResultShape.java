package dev.weft.caching.internal.method;

import dev.weft.caching.CachingConfigurationException;
import dev.weft.caching.ValueAdapter;
import dev.weft.caching.internal.ValueAdapters;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * How a method's result relates to what the cache stores: as it is (most methods), through a {@link ValueAdapter}
 * (streams), or as the completed value of a future ({@code CompletableFuture}, {@code CompletionStage}).
 */
abstract class ResultShape {

    /** {@code null} stands for "as it is", so that the hit path tests a field for null instead of calling. */
    static ResultShape of(Class<?> returnType, String display) {
        if (returnType == CompletableFuture.class) {
            return new Future(false);
        }
        if (returnType == CompletionStage.class) {
            return new Future(true);
        }
        if (CompletionStage.class.isAssignableFrom(returnType)) {
            throw new CachingConfigurationException(display + ": @Cached supports CompletableFuture and "
                    + "CompletionStage results, not " + returnType.getName());
        }
        ValueAdapter<?> adapter = ValueAdapters.forReturnType(returnType);
        return adapter == null ? null : new Adapted(adapter);
    }

    /** Whether the stored value is the result's completed value, stored when it completes. */
    boolean isAsync() {
        return false;
    }

    /** What the cache stores for a returned value (synchronous shapes only). */
    abstract Object toStored(Object returned) throws Exception;

    /** What one caller gets for a stored value. */
    abstract Object toCaller(Object stored);

    private static final class Adapted extends ResultShape {
        private final ValueAdapter<Object> adapter;

        @SuppressWarnings("unchecked")
        Adapted(ValueAdapter<?> adapter) {
            this.adapter = (ValueAdapter<Object>) adapter;
        }

        @Override
        Object toStored(Object returned) throws Exception {
            return adapter.toStored(returned);
        }

        @Override
        Object toCaller(Object stored) {
            return adapter.fromStored(stored);
        }
    }

    static final class Future extends ResultShape {
        private final boolean stage;

        Future(boolean stage) {
            this.stage = stage;
        }

        @Override
        boolean isAsync() {
            return true;
        }

        @Override
        Object toStored(Object returned) {
            throw new UnsupportedOperationException("an asynchronous result is stored when it completes");
        }

        @Override
        Object toCaller(Object stored) {
            // a fresh future per caller: one caller's obtrudeValue or cancel cannot touch another's
            return stage ? CompletableFuture.completedStage(stored) : CompletableFuture.completedFuture(stored);
        }

        /** What a caller gets while the load is in flight: its own dependent of the shared future. */
        Object share(CompletableFuture<Object> shared) {
            return toCallerFuture(dependent(shared));
        }

        /** A dependent of {@code shared} that one caller may cancel or complete without touching the others. */
        CompletableFuture<Object> dependent(CompletableFuture<Object> shared) {
            return shared.copy();
        }

        /** {@code future} as the declared type: a {@code CompletionStage} hides the completion methods. */
        Object toCallerFuture(CompletableFuture<Object> future) {
            return stage ? future.minimalCompletionStage() : future;
        }
    }
}
