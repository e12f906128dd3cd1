package dev.df11.runtime.chat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenerationDefaultsTest {

    @TempDir
    Path dir;

    private GenerationDefaults load(String json) throws IOException {
        Files.writeString(dir.resolve("generation_config.json"), json);
        return GenerationDefaults.load(dir);
    }

    @Test
    void noFileGivesNone() {
        assertSame(GenerationDefaults.NONE, GenerationDefaults.load(dir));
        assertFalse(GenerationDefaults.NONE.samples());
    }

    @Test
    void llama3InstructStyleConfigWithSeveralEndTokens() throws IOException {
        // Llama-3.1-8B-Instruct's generation_config.json
        GenerationDefaults d = load("""
                {"bos_token_id": 128000, "do_sample": true, "eos_token_id": [128001, 128008, 128009],
                 "temperature": 0.6, "top_p": 0.9, "transformers_version": "4.42.3"}""");
        assertEquals(List.of(128001, 128008, 128009), d.eosTokenIds());
        assertEquals(128000, d.bosTokenId().getAsInt());
        assertEquals(Optional.of(true), d.doSample());
        assertEquals(0.6, d.temperature().getAsDouble());
        assertEquals(0.9, d.topP().getAsDouble());
        assertTrue(d.topK().isEmpty());
        assertTrue(d.samples());
    }

    @Test
    void singleEosIdTopKAndLengths() throws IOException {
        GenerationDefaults d = load("""
                {"eos_token_id": 2, "top_k": 20, "max_new_tokens": 512, "max_length": 4096}""");
        assertEquals(List.of(2), d.eosTokenIds());
        assertEquals(20, d.topK().getAsInt());
        assertEquals(512, d.maxNewTokens().getAsInt());
        assertEquals(4096, d.maxLength().getAsInt());
        assertFalse(d.samples(), "do_sample absent means greedy, as in transformers");
    }

    @Test
    void doSampleFalseIsGreedyWhateverTheTemperature() throws IOException {
        assertFalse(load("{\"do_sample\": false, \"temperature\": 0.7}").samples());
    }

    @Test
    void malformedJsonNamesTheFile() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> load("{\"eos_token_id\": "));
        assertTrue(e.getMessage().contains("generation_config.json"), e.getMessage());
    }

    @Test
    void eosTokenIdOfTheWrongTypeIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> load("{\"eos_token_id\": [1, \"two\"]}"));
        assertTrue(e.getMessage().contains("eos_token_id"), e.getMessage());
    }

    @Test
    void negativeEosTokenIdIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> load("{\"eos_token_id\": -1}"));
    }

    @Test
    void topPOutOfRangeIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> load("{\"top_p\": 1.5}"));
        assertTrue(e.getMessage().contains("top_p"), e.getMessage());
    }

    @Test
    void negativeTemperatureIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> load("{\"temperature\": -0.5}"));
    }

    @Test
    void doSampleNotABooleanIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> load("{\"do_sample\": \"yes\"}"));
    }
}
