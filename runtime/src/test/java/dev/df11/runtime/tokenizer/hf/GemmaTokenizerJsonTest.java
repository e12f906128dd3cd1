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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gemma's SentencePiece-style BPE from the real {@code tokenizer.json} files (scripts/fetch-tokenizers.sh: gemma3,
 * gemma2): spaces become "▁" in a normalizer, no dummy prefix, byte fallback, newline and "▁" runs as added tokens,
 * and no pre-tokenizer split that matters, so each stretch between added tokens is merged as one word. Expected ids
 * are Hugging Face tokenizers' (see also HfTokenizerReferenceTest).
 */
class GemmaTokenizerJsonTest {

    private static Tokenizer gemma3;
    private static Tokenizer gemma2;

    @BeforeAll
    static void load() throws IOException {
        gemma3 = Tokenizers.load(TestVocabularies.huggingFace("gemma3"), null);
        gemma2 = Tokenizers.load(TestVocabularies.huggingFace("gemma2"), null);
    }

    @Test
    void gemma3HasItsVocabularyAndTurnTokens() {
        assertEquals(262145, gemma3.vocabSize()); // 262,144 pieces and <image_soft_token>
        assertEquals(2, gemma3.bosId());
        assertEquals(106, gemma3.eosId()); // <end_of_turn>: this tokenizer_config.json is an instruct model's
        assertTrue(gemma3.addsBosByDefault());
        assertArrayEquals(new int[] {2, 9259, 1902}, gemma3.encode("Hello world", true));
        assertArrayEquals(new int[] {105, 2364, 107, 10979, 106, 107},
                gemma3.encode("<start_of_turn>user\nHi<end_of_turn>\n", false));
        assertArrayEquals(new int[] {262144}, gemma3.encode("<image_soft_token>", false));
    }

    @Test
    void gemma2HasItsVocabularyAndTurnTokens() {
        assertEquals(256000, gemma2.vocabSize());
        assertEquals(2, gemma2.bosId());
        assertEquals(1, gemma2.eosId());
        assertTrue(gemma2.addsBosByDefault());
        assertArrayEquals(new int[] {2, 4521, 2134}, gemma2.encode("Hello world", true));
        assertArrayEquals(new int[] {226}, gemma2.encode("\t", false)); // a piece of its own: there is no <0x09>
    }

    @Test
    void aLongTextWithoutPreTokenizationMergesAsOneWord() {
        String text = "The quick brown fox jumps over the lazy dog. ".repeat(400);
        for (Tokenizer tokenizer : new Tokenizer[] {gemma3, gemma2}) {
            int[] ids = tokenizer.encode(text, false);
            assertEquals(4001, ids.length); // Hugging Face's count: 10 tokens a sentence, and the last space
            assertEquals(text, tokenizer.decode(ids));
        }
    }

    @Test
    void roundTripsExactly() {
        for (Tokenizer tokenizer : new Tokenizer[] {gemma3, gemma2}) {
            for (String text : SampleTexts.TRICKY) {
                assertEquals(text, tokenizer.decode(tokenizer.encode(text, false)), () -> "text: " + text);
                assertEquals(text, tokenizer.decode(tokenizer.encode(text, true)), () -> "with BOS: " + text);
            }
            for (String text : SampleTexts.random(11, 300, 40)) {
                assertEquals(text, tokenizer.decode(tokenizer.encode(text, false)), () -> "text: " + text);
            }
        }
    }
}
