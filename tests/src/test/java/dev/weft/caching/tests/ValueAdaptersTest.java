package dev.weft.caching.tests;

import dev.weft.caching.Cached;
import dev.weft.caching.CachingServices;
import dev.weft.caching.ValueAdapter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Results that can be read once are stored materialized and every caller gets a fresh one. */
class ValueAdaptersTest {

    @RegisterExtension
    final CacheFixture cache = new CacheFixture();

    /** A one-shot result type of the application's own. */
    static final class Cursor {
        final List<String> rows;
        int position;

        Cursor(List<String> rows) {
            this.rows = rows;
        }

        String next() {
            return position < rows.size() ? rows.get(position++) : null;
        }
    }

    static final class CursorAdapter implements ValueAdapter<Cursor> {
        @Override
        public Class<Cursor> type() {
            return Cursor.class;
        }

        @Override
        public Object toStored(Cursor returned) {
            return List.copyOf(returned.rows);
        }

        @Override
        @SuppressWarnings("unchecked")
        public Cursor fromStored(Object stored) {
            return new Cursor((List<String>) stored);
        }
    }

    static {
        CachingServices.registerValueAdapter(new CursorAdapter());
    }

    static class Files {
        final AtomicInteger bodies = new AtomicInteger();

        @Cached
        Stream<String> lines(String name) {
            bodies.incrementAndGet();
            return Stream.of(name + "-1", name + "-2");
        }

        @Cached
        InputStream content(String name) {
            bodies.incrementAndGet();
            return new ByteArrayInputStream(name.getBytes(StandardCharsets.UTF_8));
        }

        @Cached
        Iterator<Integer> numbers(int n) {
            bodies.incrementAndGet();
            return List.of(n, n + 1).iterator();
        }

        @Cached
        Cursor query(String sql) {
            bodies.incrementAndGet();
            return new Cursor(List.of("row1", "row2"));
        }
    }

    private final Files files = new Files();

    @Test
    void streamsAreMaterializedOnceAndEveryCallerGetsAFreshStream() {
        assertThat(files.lines("a").collect(Collectors.toList())).containsExactly("a-1", "a-2");
        assertThat(files.lines("a").collect(Collectors.toList())).containsExactly("a-1", "a-2");
        assertThat(files.lines("a").count()).isEqualTo(2);
        assertThat(files.bodies.get()).isEqualTo(1);
    }

    @Test
    void inputStreamsAreStoredAsBytes() throws IOException {
        assertThat(new String(files.content("abc").readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("abc");
        assertThat(new String(files.content("abc").readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("abc");
        assertThat(files.bodies.get()).isEqualTo(1);
    }

    @Test
    void iteratorsAreStoredAsLists() {
        Iterator<Integer> first = files.numbers(1);
        first.next();
        assertThat(files.numbers(1).next()).isEqualTo(1);
        assertThat(files.bodies.get()).isEqualTo(1);
    }

    @Test
    void anApplicationAdapterHandlesItsOwnType() {
        Cursor c = files.query("select");
        assertThat(c.next()).isEqualTo("row1");
        Cursor again = files.query("select");
        assertThat(again).isNotSameAs(c);
        assertThat(again.next()).isEqualTo("row1");
        assertThat(files.bodies.get()).isEqualTo(1);
    }
}
