package dev.weft.spring.boot;

import org.junit.jupiter.api.Test;
import dev.weft.spring.boot.it.Json;
import org.springframework.beans.BeanUtils;

import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/spring-boot.md's property tables list exactly the properties of the configuration metadata that the
 * configuration processor generated, with the same defaults; the {@code weft.profiles.<name>.*} rows list exactly the
 * settings of a profile.
 */
class DocumentedPropertiesTest {

    private static final Pattern ROW = Pattern.compile("^\\| `(weft\\.[^`]+)` \\| ([^|]+) \\|", Pattern.MULTILINE);
    private static final String PROFILE_ROW = "weft.profiles.<name>.";

    @Test
    void theDocumentationListsEveryPropertyOfTheMetadataWithItsDefault() throws IOException {
        Map<String, String> documented = documented();
        Map<String, String> metadata = new TreeMap<>();
        for (Json p : metadata().path("properties")) {
            String name = p.path("name").asString();
            if (name.startsWith("weft.") && !name.equals("weft.profiles")) {
                metadata.put(name, format(p.path("defaultValue")));
            }
        }
        Map<String, String> documentedPlain = new TreeMap<>(documented);
        documentedPlain.keySet().removeIf(k -> k.startsWith(PROFILE_ROW));
        assertThat(documentedPlain).isEqualTo(metadata);
    }

    @Test
    void theProfileRowsAreTheSettingsOfAProfile() throws IOException {
        TreeMap<String, String> expected = new TreeMap<>();
        for (PropertyDescriptor d : BeanUtils.getPropertyDescriptors(WeftProperties.Profile.class)) {
            if (d.getWriteMethod() != null) {
                expected.put(PROFILE_ROW + d.getName().replaceAll("([A-Z])", "-$1").toLowerCase(), "");
            }
        }
        TreeMap<String, String> rows = new TreeMap<>();
        documented().keySet().stream().filter(k -> k.startsWith(PROFILE_ROW)).forEach(k -> rows.put(k, ""));
        assertThat(rows.keySet()).isEqualTo(expected.keySet());
    }

    private static Map<String, String> documented() throws IOException {
        Path doc = Path.of(System.getProperty("weft.repository.root", "..")).resolve("docs/spring-boot.md");
        Matcher m = ROW.matcher(Files.readString(doc));
        Map<String, String> rows = new TreeMap<>();
        while (m.find()) {
            assertThat(rows.put(m.group(1), m.group(2).trim())).as("documented once: " + m.group(1)).isNull();
        }
        return rows;
    }

    private static Json metadata() throws IOException {
        try (InputStream in = DocumentedPropertiesTest.class.getResourceAsStream(
                "/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("the configuration processor's metadata").isNotNull();
            return Json.parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** As the tables show a default: none is a dash, anything else is code. */
    private static String format(Json value) {
        return value.asString().isEmpty() ? "—" : "`" + value.asString() + "`";
    }
}
