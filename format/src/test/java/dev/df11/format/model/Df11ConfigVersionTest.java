package dev.df11.format.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which {@code dfloat11_config.version} values a folder may declare. */
class Df11ConfigVersionTest {

    private static final Path SOURCE = Path.of("model", "config.json");

    private static JsonNode config(String versionJson) throws Exception {
        String version = versionJson == null ? "" : "\"version\": " + versionJson + ", ";
        return new ObjectMapper().readTree("{\"dfloat11_config\": {" + version + "\"threads_per_block\": [512],"
                + " \"bytes_per_thread\": 8, \"pattern_dict\": {\"lm_head\": []}}}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.3.2", "0.5.0"})
    void acceptsTheOfficialReleases(String version) throws Exception {
        assertEquals(version, Df11Config.parse(config("\"" + version + "\""), SOURCE).version());
    }

    @Test
    void acceptsAFolderThatRecordsNoVersion() throws Exception {
        assertEquals("unknown", Df11Config.parse(config(null), SOURCE).version());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"0.6.0\"", "\"1.0\"", "\"\"", "5", "[\"0.5.0\"]"})
    void refusesAnUnknownVersionNamingItAndTheFile(String version) throws Exception {
        Df11ModelException e = assertThrows(Df11ModelException.class,
                () -> Df11Config.parse(config(version), SOURCE));
        assertTrue(e.getMessage().contains("dfloat11_config.version " + version), e.getMessage());
        assertTrue(e.getMessage().contains("config.json"), e.getMessage());
        assertTrue(e.getMessage().contains("known: 0.1.0"), e.getMessage());
    }
}
