package dev.df11.runtime.tokenizer.llama2c;

import dev.df11.runtime.tokenizer.TestVocabularies;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class Llama2cTokenizerTest {

    private static Llama2cTokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = Llama2cTokenizer.read(TestVocabularies.stories15M().resolve("tokenizer.bin"), null);
    }

    @Test
    void encodesOnceUponATimeLikeLlama2c() {
        assertArrayEquals(new int[] {1, 9038, 2501, 263, 931}, tokenizer.encode("Once upon a time", true));
        assertEquals("Once upon a time", tokenizer.decode(new int[] {1, 9038, 2501, 263, 931}));
    }
}
