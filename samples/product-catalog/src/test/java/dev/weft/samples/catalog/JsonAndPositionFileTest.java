package dev.weft.samples.catalog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The small pieces the sample writes itself instead of taking a library: JSON output and the feed's position. */
class JsonAndPositionFileTest {

    @Test
    void jsonEscapesStringsAndKeepsTheOrderOfObjects() {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("name", "a \"quoted\"\\path\n\u0001");
        object.put("count", 3L);
        object.put("ratio", 0.5);
        object.put("nested", Map.of("ok", true));
        object.put("list", Arrays.asList(1, null));
        object.put("nan", Double.NaN);

        assertThat(Json.write(object)).isEqualTo("{\"name\":\"a \\\"quoted\\\"\\\\path\\n\\u0001\",\"count\":3,"
                + "\"ratio\":0.5,\"nested\":{\"ok\":true},\"list\":[1,null],\"nan\":null}");
    }

    @Test
    void aPositionFileStoresAndLoadsItsNumber(@TempDir Path dir) throws IOException {
        PositionFile file = new PositionFile(dir.resolve("sub/feed.position"));

        assertThat(file.load()).isEmpty();
        file.store(10_042);
        file.store(10_043);

        assertThat(file.load()).hasValue(10_043);
        try (var files = Files.list(dir.resolve("sub"))) {
            assertThat(files).as("no temporary file left behind").hasSize(1);
        }
    }

    @Test
    void aDamagedPositionFileIsReportedNotGuessed(@TempDir Path dir) throws IOException {
        Path path = dir.resolve("feed.position");
        Files.writeString(path, "ten");

        assertThatThrownBy(() -> new PositionFile(path).load()).isInstanceOf(IOException.class)
                .hasMessageContaining("delete it");
    }
}
