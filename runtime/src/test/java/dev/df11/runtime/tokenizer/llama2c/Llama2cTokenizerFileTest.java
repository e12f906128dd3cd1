package dev.df11.runtime.tokenizer.llama2c;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.df11.runtime.tokenizer.InvalidTokenizerException;
import dev.df11.runtime.tokenizer.StreamingDecoder;
import dev.df11.runtime.tokenizer.Tokenizer;
import dev.df11.runtime.tokenizer.Tokenizers;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-built {@code tokenizer.bin} files: llama2.c's own byte-token spelling, merge order, and broken files. */
class Llama2cTokenizerFileTest {

    @TempDir
    Path dir;

    /** ids: 259 " ", 260 "a", 261 "b", 262 " a", 263 "ab", 264 " ab", 265 "bb". */
    private Tokenizer tiny() throws IOException {
        Llama2cFiles files = Llama2cFiles.withSpelledByteTokens()
                .add(" ", -100).add("a", -1).add("b", -2).add(" a", -5).add("ab", -3).add(" ab", -4).add("bb", -3);
        files.write(dir);
        return Tokenizers.load(dir, null);
    }

    @Test
    void mergesTheHighestScoringPieceFirst() throws IOException {
        Tokenizer tokenizer = tiny();
        assertInstanceOf(Llama2cTokenizer.class, tokenizer);
        // " ab": "ab" (-3) beats " a" (-5), then " " + "ab" -> " ab" (-4).
        assertArrayEquals(new int[] {1, 264}, tokenizer.encode("ab", true));
        // " abb": "ab" and "bb" tie at -3; the leftmost ("ab") merges first, then " ab".
        assertArrayEquals(new int[] {264, 261}, tokenizer.encode("abb", false));
        assertEquals("abb", tokenizer.decode(new int[] {264, 261}));
    }

    @Test
    void fallsBackToSpelledByteTokens() throws IOException {
        Tokenizer tokenizer = tiny();
        // "é" is not a piece: its UTF-8 bytes C3 A9 become <0xC3> <0xA9> at ids 0xC3+3, 0xA9+3.
        assertArrayEquals(new int[] {259, 0xC3 + 3, 0xA9 + 3, 260}, tokenizer.encode("éa", false));
        assertEquals("éa", tokenizer.decode(tokenizer.encode("éa", true)));
        assertEquals("\n", tokenizer.decode(tokenizer.encode("\n", true)));
        assertArrayEquals(new byte[] {0x0A}, tokenizer.tokenBytes(Tokenizer.UNKNOWN_PREVIOUS, 0x0A + 3));
    }

    @Test
    void readsBosAndEosFromTheModelConfig() throws IOException {
        tiny();
        var config = new ObjectMapper().readTree("{\"bos_token_id\": 1, \"eos_token_id\": [2, 259]}");
        Tokenizer tokenizer = Llama2cTokenizer.read(dir.resolve("tokenizer.bin"), config);
        assertArrayEquals(new int[] {2, 259}, tokenizer.eosIds());
        var bad = new ObjectMapper().readTree("{\"eos_token_id\": 266}");
        var e = assertThrows(InvalidTokenizerException.class,
                () -> Llama2cTokenizer.read(dir.resolve("tokenizer.bin"), bad));
        assertTrue(e.getMessage().contains("eos_token_id"), e.getMessage());
    }

    @Test
    void encodesEmptyTextWithoutTheDummyPrefix() throws IOException {
        Tokenizer tokenizer = tiny();
        assertArrayEquals(new int[] {1}, tokenizer.encode("", true));
        assertArrayEquals(new int[0], tokenizer.encode("", false));
    }

    @Test
    void encodesAnUnpairedSurrogateAsReplacementCharacter() throws IOException {
        Tokenizer tokenizer = tiny();
        assertEquals("\uFFFDa", tokenizer.decode(tokenizer.encode("\uD800a", false)));
    }

    /** 259 tokens: control tokens and the 256 byte tokens, loaded once for the property below. */
    private static Tokenizer bytesOnly;

    private static synchronized Tokenizer bytesOnly() throws IOException {
        if (bytesOnly == null) {
            Path tmp = Files.createTempDirectory("df11-tokenizer");
            Path file = Llama2cFiles.withSpelledByteTokens().write(tmp);
            bytesOnly = Llama2cTokenizer.read(file, null);
            Files.delete(file);
            Files.delete(tmp);
        }
        return bytesOnly;
    }

    /**
     * Any bytes, valid UTF-8 or not, cut into byte tokens: streaming then finishing gives exactly what decoding
     * them at once gives, and no piece returned ends inside a character.
     */
    @Property(tries = 300)
    void streamingEqualsWholeDecode(@ForAll @Size(max = 40) byte[] bytes) throws IOException {
        Tokenizer tokenizer = bytesOnly();
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = (bytes[i] & 0xFF) + 3;
        }
        StreamingDecoder decoder = tokenizer.streamingDecoder();
        var streamed = new StringBuilder();
        for (int id : ids) {
            String piece = decoder.feed(id);
            assertFalse(!piece.isEmpty() && Character.isHighSurrogate(piece.charAt(piece.length() - 1)),
                    "a character was split: " + piece);
            streamed.append(piece);
        }
        streamed.append(decoder.finish());
        assertEquals(new String(bytes, StandardCharsets.UTF_8), streamed.toString());
        assertEquals(tokenizer.decode(ids), streamed.toString());
        assertEquals(streamed.toString(), decoder.text());
    }

    @Test
    void loadNamesBothFilesWhenNeitherIsThere() {
        var e = assertThrows(NoSuchFileException.class, () -> Tokenizers.load(dir, null));
        assertTrue(e.getMessage().contains("tokenizer.json") && e.getMessage().contains("tokenizer.bin"),
                e.getMessage());
    }

    private InvalidTokenizerException rejected(byte[] contents) throws IOException {
        Path file = Files.write(dir.resolve("tokenizer.bin"), contents);
        var e = assertThrows(InvalidTokenizerException.class, () -> Llama2cTokenizer.read(file, null));
        assertEquals(file, e.file());
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        return e;
    }

    @Test
    void rejectsBrokenFilesNamingTheToken() throws IOException {
        byte[] good = Llama2cFiles.withSpelledByteTokens().add("a", -1).bytes();
        assertTrue(rejected(new byte[] {1, 0}).getMessage().contains("max_token_length"));
        assertTrue(rejected(Llama2cFiles.littleEndian(4).putInt(0).array()).getMessage().contains("max_token_length"));
        assertTrue(rejected(Llama2cFiles.littleEndian(4).putInt(8).array()).getMessage().contains("no tokens"));
        // Cut inside the last token's bytes, then inside its header.
        assertTrue(rejected(Arrays.copyOf(good, good.length - 1)).getMessage().contains("token 259"));
        assertTrue(rejected(Arrays.copyOf(good, good.length - 6)).getMessage().contains("token 259"));
        // A negative and a huge length.
        byte[] header = Llama2cFiles.littleEndian(12).putInt(8).putFloat(0).putInt(-5).array();
        assertTrue(rejected(header).getMessage().contains("length -5"));
        header = Llama2cFiles.littleEndian(13).putInt(8).putFloat(0).putInt(Integer.MAX_VALUE).put((byte) 'x').array();
        assertTrue(rejected(header).getMessage().contains("token 0"));
    }

    @Test
    void rejectsIdsOutsideTheVocabulary() throws IOException {
        Tokenizer tokenizer = tiny();
        assertThrows(IllegalArgumentException.class, () -> tokenizer.tokenBytes(0, tokenizer.vocabSize()));
        assertThrows(IllegalArgumentException.class, () -> tokenizer.tokenBytes(0, -1));
    }

    @Test
    void survivesRandomGarbage() throws IOException {
        var random = new Random(1);
        for (int i = 0; i < 200; i++) {
            byte[] garbage = new byte[random.nextInt(64)];
            random.nextBytes(garbage);
            Path file = Files.write(dir.resolve("tokenizer.bin"), garbage);
            try {
                Tokenizer tokenizer = Llama2cTokenizer.read(file, null);
                tokenizer.decode(tokenizer.encode("abc", true)); // may fail cleanly for lack of byte tokens
            } catch (InvalidTokenizerException | IllegalArgumentException expected) {
                assertTrue(expected.getMessage().contains(file.toString()), expected.getMessage());
            }
        }
    }
}
