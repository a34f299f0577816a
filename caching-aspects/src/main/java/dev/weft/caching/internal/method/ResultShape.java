package dev.weft.caching.internal.method;

import dev.weft.caching.CachingConfigurationException;
import dev.weft.caching.ValueAdapter;
import dev.weft.caching.internal.ValueAdapters;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * How a method's result relates to what the cache stores: as it is (most methods), through a {@link ValueAdapter}
 * (streams), or as the value an asynchronous result completes with ({@code CompletableFuture}, {@code CompletionStage},
 * and, when reactor-core is on the class path, Reactor's {@code Mono} and {@code Flux}).
 */
abstract class ResultShape {

    private static final String MONO = "reactor.core.publisher.Mono";
    private static final String FLUX = "reactor.core.publisher.Flux";
    private static final String PUBLISHER = "org.reactivestreams.Publisher";

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
        if (returnType.getName().equals(MONO) || returnType.getName().equals(FLUX)) {
            // only loaded here: without reactor-core no method can return a Mono
            return ReactorShapes.of(returnType);
        }
        if (implementsByName(returnType, PUBLISHER)) {
            throw new CachingConfigurationException(display + ": @Cached supports Reactor's Mono and Flux among "
                    + "reactive types, not " + returnType.getName() + "; return a Mono or a Flux, or convert the "
                    + "result in an uncached method around a cached one");
        }
        ValueAdapter<?> adapter = ValueAdapters.forReturnType(returnType);
        return adapter == null ? null : new Adapted(adapter);
    }

    private static boolean implementsByName(Class<?> type, String name) {
        if (type == null) {
            return false;
        }
        if (type.getName().equals(name)) {
            return true;
        }
        for (Class<?> i : type.getInterfaces()) {
            if (implementsByName(i, name)) {
                return true;
            }
        }
        return implementsByName(type.getSuperclass(), name);
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

    /**
     * A result whose value arrives later. The owner's body returns it; {@link #upstream} turns it into the stage the
     * load completes with (and stores); every caller, the owner included, gets its own view of the shared future.
     */
    abstract static class Async extends ResultShape {

        @Override
        final boolean isAsync() {
            return true;
        }

        @Override
        final Object toStored(Object returned) {
            throw new UnsupportedOperationException("an asynchronous result is stored when it completes");
        }

        /**
         * The stage that completes with the stored form of what the body returned ({@code null} when the body
         * returned {@code null}). A lazy result (a {@code Mono}) does not start here: it hands {@code upstream} the
         * action that subscribes to it, run when a caller subscribes (or at once for a background load).
         */
        abstract CompletionStage<?> upstream(Object returned, Upstream upstream);

        /** A caller's view of {@code dependent}, its own dependent of the shared future. */
        abstract Object toCallerFuture(CompletableFuture<Object> dependent, Upstream upstream);

        /** A dependent of {@code shared} that one caller may cancel or complete without touching the others. */
        final CompletableFuture<Object> dependent(CompletableFuture<Object> shared) {
            return shared.copy();
        }
    }

    /** {@code CompletableFuture} and {@code CompletionStage}: already started when the body returns them. */
    static final class Future extends Async {
        private final boolean stage;

        Future(boolean stage) {
            this.stage = stage;
        }

        @Override
        Object toCaller(Object stored) {
            // a fresh future per caller: one caller's obtrudeValue or cancel cannot touch another's
            return stage ? CompletableFuture.completedStage(stored) : CompletableFuture.completedFuture(stored);
        }

        @Override
        CompletionStage<?> upstream(Object returned, Upstream upstream) {
            return (CompletionStage<?>) returned;
        }

        @Override
        Object toCallerFuture(CompletableFuture<Object> dependent, Upstream upstream) {
            return stage ? dependent.minimalCompletionStage() : dependent;
        }
    }
}
