package dev.df11.runtime.tokenizer.llama2c;

import dev.df11.runtime.tokenizer.PublishedVectors;
import dev.df11.runtime.tokenizer.SampleTexts;
import dev.df11.runtime.tokenizer.StreamingDecoder;
import dev.df11.runtime.tokenizer.TestVocabularies;
import dev.df11.runtime.tokenizer.Tokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** llama2.c's tokenizer on the real 32,000-piece Llama 2 vocabulary shipped with stories15M. */
class Llama2cTokenizerTest {

    private static Llama2cTokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = Llama2cTokenizer.read(TestVocabularies.stories15M().resolve("tokenizer.bin"), null);
    }

    @Test
    void hasLlamaLayout() {
        assertEquals(32000, tokenizer.vocabSize());
        assertEquals(1, tokenizer.bosId());
        assertEquals(2, tokenizer.eosId());
        assertTrue(tokenizer.addsBosByDefault());
    }

    @Test
    void encodesOnceUponATimeLikeLlama2c() {
        // llama2.c's run.c gives these ids for the prompt "Once upon a time" (with BOS).
        assertArrayEquals(new int[] {1, 9038, 2501, 263, 931}, tokenizer.encode("Once upon a time", true));
        assertArrayEquals(new int[] {9038, 2501, 263, 931}, tokenizer.encode("Once upon a time", false));
        assertEquals("Once upon a time", tokenizer.decode(new int[] {1, 9038, 2501, 263, 931}));
    }

    static Stream<Object[]> publishedEncodings() {
        return PublishedVectors.llama2Encodings();
    }

    @ParameterizedTest
    @MethodSource("publishedEncodings")
    void matchesPublishedLlamaIds(String text, int[] expected) {
        assertArrayEquals(expected, tokenizer.encode(text, true));
        assertEquals(text, tokenizer.decode(expected));
    }

    @Test
    void decodingKeepsTheSpaceOfAPieceThatContinuesAText() {
        // llama-tokenizer-js: decode([2646, 1327, 287], add_bos=false, add_preceding_space=false) == " grabbed"
        assertEquals(" grabbed", new String(concat(Tokenizer.UNKNOWN_PREVIOUS, 2646, 1327, 287),
                StandardCharsets.UTF_8));
        assertEquals("grabbed", tokenizer.decode(new int[] {2646, 1327, 287}));
        assertEquals("grabbed", tokenizer.decode(new int[] {1, 2646, 1327, 287}));
    }

    @Test
    void byteTokensDecodeToTheirByte() {
        // This file spells byte tokens raw (0x80-0xFF as UTF-8 of U+0080-U+00FF), not as <0xHH>.
        for (int b = 0; b < 256; b++) {
            assertArrayEquals(new byte[] {(byte) b}, tokenizer.tokenBytes(Tokenizer.UNKNOWN_PREVIOUS, b + 3),
                    "byte token " + (b + 3));
        }
    }

    @Test
    void textFindsRealPiecesNotByteTokensSpelledTheSame() {
        // "ü" is both a real piece and, in this file, the raw spelling of byte token 0xFC (id 255): the byte
        // token must not be found by text, or "ü" would encode as a lone, invalid byte 0xFC.
        for (String text : new String[] {"ü", "aü", "ü ü"}) {
            int[] ids = tokenizer.encode(text, false);
            assertTrue(Arrays.stream(ids).noneMatch(id -> id >= 3 && id <= 258), Arrays.toString(ids));
            assertEquals(text, tokenizer.decode(ids));
        }
    }

    @Test
    void roundTripsTrickyTexts() {
        for (String text : SampleTexts.TRICKY) {
            assertEquals(text, tokenizer.decode(tokenizer.encode(text, true)), () -> "with BOS: " + text);
            assertEquals(text, tokenizer.decode(tokenizer.encode(text, false)), () -> "without BOS: " + text);
        }
    }

    @Test
    void roundTripsRandomTexts() {
        for (String text : SampleTexts.random(42, 400, 40)) {
            assertEquals(text, tokenizer.decode(tokenizer.encode(text, true)), () -> "text: " + text);
        }
    }

    @Test
    void streamingDecoderHoldsBackSplitCharacters() {
        StreamingDecoder decoder = tokenizer.streamingDecoder();
        assertEquals("", decoder.feed(1));
        assertEquals("", decoder.feed(29871)); // the dummy-prefix space after BOS
        assertEquals("", decoder.feed(243));   // F0
        assertEquals("", decoder.feed(162));   // 9F
        assertEquals("", decoder.feed(169));   // A6
        assertEquals(3, decoder.pendingBytes());
        assertEquals("🦙", decoder.feed(156)); // 99
        assertEquals(" grabbed", decoder.feed(2646) + decoder.feed(1327) + decoder.feed(287));
        assertEquals("", decoder.finish());
        assertEquals("🦙 grabbed", decoder.text());
    }

    @Test
    void streamingMatchesWholeDecodeOnEveryTrickyText() {
        for (String text : SampleTexts.TRICKY) {
            int[] ids = tokenizer.encode(text, false);
            StreamingDecoder decoder = tokenizer.streamingDecoderFromStart();
            var streamed = new StringBuilder();
            for (int id : ids) {
                streamed.append(decoder.feed(id));
            }
            streamed.append(decoder.finish());
            assertEquals(tokenizer.decode(ids), streamed.toString(), () -> "text: " + text);
        }
    }

    @Test
    void streamingFinishReplacesAnUnfinishedCharacter() {
        StreamingDecoder decoder = tokenizer.streamingDecoder();
        assertEquals("", decoder.feed(243) + decoder.feed(162)); // F0 9F: half an emoji
        assertEquals("\uFFFD", decoder.finish());
        assertThrows(IllegalStateException.class, () -> decoder.feed(263));
    }

    @Test
    void bosAndEosHaveNoText() {
        assertEquals(0, tokenizer.tokenBytes(Tokenizer.START_OF_TEXT, 1).length);
        assertEquals(0, tokenizer.tokenBytes(931, 2).length);
        assertTrue(tokenizer.isEos(2));
    }

    @Test
    void rejectsIdsOutsideTheVocabulary() {
        var e = assertThrows(IllegalArgumentException.class, () -> tokenizer.tokenBytes(0, 32000));
        assertTrue(e.getMessage().contains("32000"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> tokenizer.decode(new int[] {-1}));
    }

    @Test
    void encodesALongTextInOnePassAndRoundTrips() {
        // ~150 KB with a single "word" (no pre-tokenizer): an O(n^2) merge would take minutes here.
        String text = (PublishedVectors.LLAMA_TEXT + "\n").repeat(100);
        int[] ids = tokenizer.encode(text, true);
        assertEquals(text, tokenizer.decode(ids));
        int[] once = tokenizer.encode(PublishedVectors.LLAMA_TEXT, false);
        assertTrue(ids.length > 90 * once.length, "ids: " + ids.length);
    }

    private static byte[] concat(int previous, int... tokens) {
        var out = new java.io.ByteArrayOutputStream();
        for (int token : tokens) {
            out.writeBytes(tokenizer.tokenBytes(previous, token));
            previous = token;
        }
        return out.toByteArray();
    }
}
