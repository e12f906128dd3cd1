package dev.df11.runtime.inference;

import dev.df11.runtime.testmodels.Runtimes;
import dev.df11.runtime.testmodels.TestModels;
import dev.df11.runtime.tokenizer.Tokenizer;
import dev.df11.runtime.tokenizer.Tokenizers;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Greedy stories15M from BOS gives the TinyStories opening that llama2.c's run.c prints at temperature 0. */
class Stories15MGenerationTest {

    @Test
    void greedyFromBosTellsOfLily() throws IOException {
        Path dir = TestModels.stories15M();
        Tokenizer tokenizer = Tokenizers.load(dir, null);
        try (ForwardPass forward = Runtimes.open(dir, 256, 16)) {
            GenerationResult result = new Generator(forward).generate(new int[] {1}, GenerationSettings.greedy(16),
                    token -> { });
            String text = tokenizer.decode(result.generatedTokens());
            assertTrue(text.startsWith("Once upon a time, there was a little girl named Lily"), text);
            assertEquals(StopReason.MAX_TOKENS, result.stopReason());
            assertEquals(16, result.generatedTokens().length);
        }
    }
}
