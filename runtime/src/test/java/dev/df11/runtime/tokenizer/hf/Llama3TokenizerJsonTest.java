package dev.df11.runtime.tokenizer.hf;

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
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Byte-level BPE from a real Llama 3 {@code tokenizer.json} (scripts/fetch-tokenizers.sh: llama3). */
class Llama3TokenizerJsonTest {

    private static Tokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = Tokenizers.load(TestVocabularies.huggingFace("llama3"), null);
    }

    @Test
    void readsSpecialTokensFromTokenizerConfig() {
        assertEquals(128256, tokenizer.vocabSize());
        assertEquals(128000, tokenizer.bosId());
        assertEquals(128001, tokenizer.eosId());
        assertTrue(tokenizer.addsBosByDefault());
        // llama3-tokenizer-js: encode("I", bos, eos) == [128000, 40, 128001]
        assertArrayEquals(new int[] {128000, 40}, tokenizer.encode("I", true));
        assertArrayEquals(new int[] {128000}, tokenizer.encode("", true));
    }

    static Stream<Object[]> publishedEncodings() {
        return PublishedVectors.llama3Encodings();
    }

    @ParameterizedTest
    @MethodSource("publishedEncodings")
    void matchesPublishedLlama3Ids(String text, int[] expected) {
        assertArrayEquals(expected, tokenizer.encode(text, false));
        assertEquals(text, tokenizer.decode(expected));
    }

    @Test
    void matchesSpecialTokensInTheMiddleOfText() {
        // llama3-tokenizer-js's special-token test uses Llama 3.1 names; this file is Llama 3, where <|eom_id|>
        // does not exist, so <|eot_id|> (128009 in both) takes its place; every other id is theirs.
        String text = "<|start_header_id|>This text has special tokens<|eot_id|> in the middle of it.<|end_header_id|>";
        int[] expected = {128006, 2028, 1495, 706, 3361, 11460, 128009, 304, 279, 6278, 315, 433, 13, 128007};
        assertArrayEquals(expected, tokenizer.encode(text, false));
        assertEquals(text, tokenizer.decode(expected));
    }

    @Test
    void textThatOnlyLooksLikeASpecialTokenIsPlainText() {
        // From llama3-tokenizer-js: real reserved tokens are matched, near misses are tokenized as text.
        assertArrayEquals(new int[] {128002, 128017},
                tokenizer.encode("<|reserved_special_token_0|><|reserved_special_token_12|>", false));
        assertArrayEquals(new int[] {27, 91, 52202, 42729, 6594, 62, 410, 91, 29},
                tokenizer.encode("<|reserved_special_token_00|>", false));
    }

    @Test
    void roundTrips() {
        for (String text : SampleTexts.TRICKY) {
            assertEquals(text, tokenizer.decode(tokenizer.encode(text, true)), () -> "text: " + text);
        }
        for (String text : SampleTexts.random(3, 300, 40)) {
            assertEquals(text, tokenizer.decode(tokenizer.encode(text, false)), () -> "text: " + text);
        }
    }

    @Test
    void streamsMultiByteCharactersSplitAcrossTokens() {
        // "🦙" is three byte-level tokens: F0 9F | A6 | 99 (llama3-tokenizer-js: [9468, 99, 247]).
        StreamingDecoder decoder = tokenizer.streamingDecoder();
        assertEquals("", decoder.feed(9468));
        assertEquals("", decoder.feed(99));
        assertEquals("🦙", decoder.feed(247));
        assertEquals(" grabbed", decoder.feed(30418)); // no dummy prefix to strip in byte-level BPE
    }

    @Test
    void encodesALongTextAndRoundTrips() {
        String text = (PublishedVectors.LLAMA_TEXT + "\n").repeat(100);
        assertEquals(text, tokenizer.decode(tokenizer.encode(text, true)));
    }
}
