package dev.df11.runtime.inference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.df11.runtime.testmodels.RandomModelWriter;
import dev.df11.runtime.testmodels.RandomModelWriter.Flavor;
import dev.df11.runtime.testmodels.Runtimes;
import dev.df11.runtime.testmodels.TestModels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GeneratorTest {

    private static final int[] PROMPT = {1, 40, 41, 42};

    @Test
    void streamsTokensAndStopsAtMaxTokens() throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("gen"), Flavor.LLAMA2_TIED, 3);
        try (ForwardPass forward = Runtimes.open(dir, 64, 8)) {
            List<Integer> streamed = new ArrayList<>();
            GenerationResult result = new Generator(forward).generate(PROMPT, GenerationSettings.greedy(6),
                    streamed::add);
            assertEquals(StopReason.MAX_TOKENS, result.stopReason());
            assertEquals(6, result.generatedTokens().length);
            assertEquals(Arrays.stream(result.generatedTokens()).boxed().toList(), streamed);
            assertEquals(5, result.generationForwards());
            assertArrayEquals(PROMPT, result.promptTokens());
        }
    }

    @Test
    void stopsAtEndOfSequenceWithoutEmittingIt() throws IOException {
        assertStopsAtTokenDeclaredIn("eos_token_id", "eos");
    }

    @Test
    void stopsAtAGeneratedBeginningOfSequence() throws IOException {
        // llama2.c's TinyStories models end a story by starting the next one with BOS.
        assertStopsAtTokenDeclaredIn("bos_token_id", "bos");
    }

    private static void assertStopsAtTokenDeclaredIn(String configField, String folder) throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder(folder), Flavor.LLAMA2_TIED, 3);
        int[] free;
        try (ForwardPass forward = Runtimes.open(dir, 64, 8)) {
            free = new Generator(forward).generate(PROMPT, GenerationSettings.greedy(8), t -> { }).generatedTokens();
        }
        // Declare the third greedy token the stop token (if it did not appear earlier).
        int stopToken = free[2];
        int expected = stopToken == free[0] ? 0 : stopToken == free[1] ? 1 : 2;
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(dir.resolve("config.json").toFile());
        config.put(configField, stopToken);
        json.writeValue(dir.resolve("config.json").toFile(), config);
        try (ForwardPass forward = Runtimes.open(dir, 64, 8)) {
            GenerationResult result = new Generator(forward).generate(PROMPT, GenerationSettings.greedy(8), t -> { });
            assertEquals(StopReason.END_OF_SEQUENCE, result.stopReason());
            assertArrayEquals(Arrays.copyOf(free, expected), result.generatedTokens());
        }
    }

    @Test
    void stopsWhenTheContextIsFull() throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("ctx"), Flavor.QWEN3, 3);
        try (ForwardPass forward = Runtimes.open(dir, 7, 8)) {
            GenerationResult result = new Generator(forward).generate(PROMPT, GenerationSettings.greedy(50), t -> { });
            assertEquals(StopReason.CONTEXT_FULL, result.stopReason());
            // 4 prompt positions + 3 generated tokens fill the 7 positions; one more token is chosen from the last logits.
            assertEquals(4, result.generatedTokens().length);
        }
    }

    @Test
    void badPromptsAreRefused() throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("bad"), Flavor.QWEN2, 3);
        try (ForwardPass forward = Runtimes.open(dir, 4, 2)) {
            Generator generator = new Generator(forward);
            GenerationSettings settings = GenerationSettings.greedy(2);
            assertThrows(IllegalArgumentException.class, () -> generator.generate(new int[0], settings, t -> { }));
            String message = assertThrows(IllegalArgumentException.class,
                    () -> generator.generate(new int[] {1, RandomModelWriter.VOCAB}, settings, t -> { })).getMessage();
            assertTrue(message.contains(String.valueOf(RandomModelWriter.VOCAB)), message);
            assertThrows(IllegalArgumentException.class,
                    () -> generator.generate(new int[] {1, 2, 3, 4, 5}, settings, t -> { }));
        }
    }

    @Test
    void batchedPromptGivesTheSameGreedyTokensAsOneByOne() throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("batch"), Flavor.LLAMA3_UNTIED, 8);
        int[] batched;
        int[] single;
        try (ForwardPass forward = Runtimes.open(dir, 64, 16)) {
            batched = new Generator(forward).generate(PROMPT, GenerationSettings.greedy(10), t -> { }).generatedTokens();
        }
        try (ForwardPass forward = Runtimes.open(dir, 64, 1)) {
            single = new Generator(forward).generate(PROMPT, GenerationSettings.greedy(10), t -> { }).generatedTokens();
        }
        assertArrayEquals(single, batched);
    }
}
