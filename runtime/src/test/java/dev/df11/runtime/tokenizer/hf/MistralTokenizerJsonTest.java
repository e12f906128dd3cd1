package dev.df11.runtime.tokenizer.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.df11.runtime.tokenizer.PublishedVectors;
import dev.df11.runtime.tokenizer.SampleTexts;
import dev.df11.runtime.tokenizer.StreamingDecoder;
import dev.df11.runtime.tokenizer.TestVocabularies;
import dev.df11.runtime.tokenizer.Tokenizer;
import dev.df11.runtime.tokenizer.Tokenizers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SentencePiece-style BPE (Prepend/Replace normalizer, byte fallback, "a b" merges) from Mistral 7B's real
 * {@code tokenizer.json} (scripts/fetch-tokenizers.sh: mistral).
 */
class MistralTokenizerJsonTest {

    private static Tokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = Tokenizers.load(TestVocabularies.huggingFace("mistral"), null);
    }

    @Test
    void readsSpecialTokensFromTokenizerConfig() {
        assertInstanceOf(HfTokenizer.class, tokenizer);
        assertEquals(32000, tokenizer.vocabSize());
        assertEquals(1, tokenizer.bosId());
        assertEquals(2, tokenizer.eosId());
        assertTrue(tokenizer.addsBosByDefault());
    }

    @Test
    void modelConfigOverridesTheTokenizerFiles() throws IOException {
        var config = new ObjectMapper().readTree("{\"bos_token_id\": 1, \"eos_token_id\": [2, 13]}");
        Tokenizer withConfig = Tokenizers.load(TestVocabularies.huggingFace("mistral"), config);
        assertArrayEquals(new int[] {2, 13}, withConfig.eosIds());
        assertTrue(withConfig.isEos(13));
    }

    static Stream<Object[]> publishedEncodings() {
        return PublishedVectors.mistralEncodings();
    }

    @ParameterizedTest
    @MethodSource("publishedEncodings")
    void matchesPublishedMistralIds(String text, int[] expected) {
        assertArrayEquals(expected, tokenizer.encode(text, true));
        assertEquals(text, tokenizer.decode(expected));
    }

    @Test
    void matchesAddedTokensVerbatim() {
        // "<s>" and "</s>" in the text are the BOS and EOS tokens themselves, found before BPE.
        int[] ids = tokenizer.encode("<s>Hi</s>", false);
        assertEquals(1, ids[0]);
        assertEquals(2, ids[ids.length - 1]);
    }

    @Test
    void roundTrips() {
        for (String text : SampleTexts.TRICKY) {
            if (!text.contains("<s>")) { // BOS/EOS tokens decode to no text
                assertEquals(text, tokenizer.decode(tokenizer.encode(text, true)), () -> "text: " + text);
                assertEquals(text, tokenizer.decode(tokenizer.encode(text, false)), () -> "text: " + text);
            }
        }
        for (String text : SampleTexts.random(11, 300, 40)) {
            assertEquals(text, tokenizer.decode(tokenizer.encode(text, true)), () -> "text: " + text);
        }
    }

    @Test
    void streamsByteFallbackEmoji() {
        StreamingDecoder decoder = tokenizer.streamingDecoder();
        var out = new StringBuilder();
        for (int id : new int[] {1, 28705, 243, 162, 169, 156}) {
            out.append(decoder.feed(id));
        }
        assertEquals("🦙", out.toString() + decoder.finish());
    }

    @Test
    void encodesALongTextAndRoundTrips() {
        // ~140 KB as a single word (no pre-tokenizer): an O(n^2) merge loop would take minutes here.
        String text = (PublishedVectors.LLAMA_TEXT + "\n").repeat(100);
        assertEquals(text, tokenizer.decode(tokenizer.encode(text, true)));
    }
}
