package dev.weft.caching.internal.method;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Reactor's {@code Mono} and {@code Flux} as results of cached methods. Loaded only for methods that return them, so
 * reactor-core is an optional dependency.
 *
 * <p>What is cached is the value: a {@code Mono}'s element ({@code null} for an empty {@code Mono}, which is cached
 * like {@code Optional.empty()} and replayed empty), a {@code Flux}'s elements as an unmodifiable list. Errors and
 * cancellations are not cached. Nothing runs before a caller subscribes: the body's publisher is subscribed to once,
 * when the first caller of the load subscribes (with that subscriber's context), and every caller, concurrent ones
 * included, gets the one result (single flight). A subscriber that cancels stops only its own view; the load goes on
 * for the others and is stored.
 */
final class ReactorShapes {

    private ReactorShapes() {
    }

    static ResultShape.Async of(Class<?> returnType) {
        return returnType == Mono.class ? new MonoShape() : new FluxShape();
    }

    /**
     * Subscribes to {@code publisher} (with a caller's context, if any) and completes {@code into} with its value.
     * Reactor throws its fatal errors ({@code Exceptions.throwIfFatal}: JVM-fatal errors, bubbling exceptions) out of
     * {@code subscribe()} instead of signalling them: {@code into} fails with such an error all the same, so that the
     * load ends and the callers who share it get the failure rather than wait for a signal that never comes; the
     * subscriber that started the load gets it thrown, as Reactor does.
     */
    private static void subscribe(Mono<?> publisher, Object context, CompletableFuture<Object> into) {
        try {
            publisher.subscribe(into::complete, into::completeExceptionally, () -> into.complete(null),
                    context instanceof ContextView ? Context.of((ContextView) context) : Context.empty());
        } catch (RuntimeException | Error e) {
            into.completeExceptionally(e);
            throw e;
        }
    }

    private static final class MonoShape extends ResultShape.Async {
        @Override
        Object toCaller(Object stored) {
            return Mono.justOrEmpty(stored);
        }

        @Override
        CompletionStage<?> upstream(Object returned, Upstream upstream) {
            if (returned == null) {
                return null;
            }
            Mono<?> mono = (Mono<?>) returned;
            CompletableFuture<Object> value = new CompletableFuture<>();
            upstream.ready(context -> subscribe(mono, context, value));
            return value;
        }

        @Override
        Object toCallerFuture(CompletableFuture<Object> dependent, Upstream upstream) {
            return Mono.deferContextual(context -> {
                upstream.request(context);
                return Mono.fromFuture(dependent);
            });
        }
    }

    private static final class FluxShape extends ResultShape.Async {
        @Override
        @SuppressWarnings("unchecked")
        Object toCaller(Object stored) {
            return stored == null ? Flux.empty() : Flux.fromIterable((List<Object>) stored);
        }

        @Override
        CompletionStage<?> upstream(Object returned, Upstream upstream) {
            if (returned == null) {
                return null;
            }
            Mono<List<Object>> all = ((Flux<?>) returned).collectList().map(Collections::unmodifiableList);
            CompletableFuture<Object> value = new CompletableFuture<>();
            upstream.ready(context -> subscribe(all, context, value));
            return value;
        }

        @Override
        @SuppressWarnings("unchecked")
        Object toCallerFuture(CompletableFuture<Object> dependent, Upstream upstream) {
            return Mono.deferContextual(context -> {
                upstream.request(context);
                return Mono.fromFuture(dependent);
            }).flatMapMany(list -> Flux.fromIterable((List<Object>) list));
        }
    }
}
