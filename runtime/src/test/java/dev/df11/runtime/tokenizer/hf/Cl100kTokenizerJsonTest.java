package dev.df11.runtime.tokenizer.hf;

import dev.df11.runtime.tokenizer.SampleTexts;
import dev.df11.runtime.tokenizer.TestVocabularies;
import dev.df11.runtime.tokenizer.Tokenizer;
import dev.df11.runtime.tokenizer.Tokenizers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * OpenAI's cl100k_base as a {@code tokenizer.json} (scripts/fetch-tokenizers.sh: cl100k): byte-level BPE behind an
 * inverted {@code Split} (behaviour Removed: the regex's matches are the words). Phi-4's tokenizer is this BPE with
 * its own special tokens added, so this is the real-vocabulary check of Phi-4-style tokenization.
 */
class Cl100kTokenizerJsonTest {

    private static Tokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = Tokenizers.load(TestVocabularies.huggingFace("cl100k"), null);
    }

    @Test
    void matchesTiktokensPublishedExample() {
        assertEquals(100277, tokenizer.vocabSize()); // up to <|endofprompt|> = 100276
        assertArrayEquals(new int[] {15339, 1917}, tokenizer.encode("hello world", false));
        assertArrayEquals(new int[] {100257}, tokenizer.encode("<|endoftext|>", false));
    }

    @Test
    void roundTripsExactly() {
        for (String text : SampleTexts.TRICKY) {
            assertEquals(text, tokenizer.decode(tokenizer.encode(text, false)), () -> "text: " + text);
        }
        for (String text : SampleTexts.random(13, 300, 40)) {
            assertEquals(text, tokenizer.decode(tokenizer.encode(text, false)), () -> "text: " + text);
        }
    }
}
