package dev.df11.runtime.tokenizer.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.df11.runtime.tokenizer.Tokenizer;
import dev.df11.runtime.tokenizer.Tokenizers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Small hand-written {@code tokenizer.json} files, one per feature the real vocabularies do not all exercise. */
class HfTokenizerFeaturesTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    private Tokenizer load(String json) throws IOException {
        Files.writeString(dir.resolve("tokenizer.json"), json);
        return Tokenizers.load(dir, null);
    }

    /** Metaspace pre-tokenizer and decoder (prepend only at the start), unknown token fused, stripped added tokens. */
    private static final String METASPACE = """
            {
              "added_tokens": [
                {"id": 7, "content": "<x>", "lstrip": true, "special": true},
                {"id": 8, "content": "<y>", "rstrip": true, "special": true}
              ],
              "normalizer": null,
              "pre_tokenizer": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first", "split": true},
              "decoder": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first", "split": true},
              "model": {
                "type": "BPE", "unk_token": "<unk>", "fuse_unk": true, "byte_fallback": false,
                "vocab": {"<unk>": 0, "▁": 1, "a": 2, "b": 3, "▁a": 4, "ab": 5, "▁ab": 6},
                "merges": ["a b", "▁ ab", "▁ a"]
              }
            }
            """;

    @Test
    void metaspaceMarksWordsAndPrependsOnlyAtTheStart() throws IOException {
        Tokenizer tokenizer = load(METASPACE);
        assertArrayEquals(new int[] {6, 6}, tokenizer.encode("ab ab", false));
        assertEquals("ab ab", tokenizer.decode(new int[] {6, 6}));
        // After an added token the text does not start the input: no marker is prepended to "b".
        assertArrayEquals(new int[] {4, 7, 3}, tokenizer.encode("a<x>b", false));
        assertEquals("a<x>b", tokenizer.decode(new int[] {4, 7, 3}));
        assertEquals(" ab", new String(tokenizer.tokenBytes(Tokenizer.UNKNOWN_PREVIOUS, 6)));
    }

    @Test
    void addedTokensAbsorbWhitespaceWhereTheyStripIt() throws IOException {
        Tokenizer tokenizer = load(METASPACE);
        assertArrayEquals(new int[] {4, 7, 3}, tokenizer.encode("a  <x>b", false)); // lstrip eats "  "
        assertArrayEquals(new int[] {8, 3}, tokenizer.encode("<y>  b", false));     // rstrip eats "  "
    }

    @Test
    void fusesRunsOfUnknownCharacters() throws IOException {
        Tokenizer tokenizer = load(METASPACE);
        assertArrayEquals(new int[] {1, 0}, tokenizer.encode("zzz", false));
        assertArrayEquals(new int[] {1, 0, 3, 0}, tokenizer.encode("zbz", false));
    }

    /**
     * A GPT-2 style byte-level tokenizer: the 256-character byte alphabet as ids 0..255 (in byte order), merges
     * building "Ġthe", and an extra piece "Ġth" that no merge produces.
     */
    private static String byteLevel(boolean ignoreMerges, boolean pairMerges, boolean useRegex) {
        ObjectNode root = MAPPER.createObjectNode();
        root.putObject("pre_tokenizer").put("type", "ByteLevel").put("add_prefix_space", true)
                .put("use_regex", useRegex).put("trim_offsets", true);
        root.putObject("decoder").put("type", "ByteLevel");
        ObjectNode model = root.putObject("model").put("type", "BPE").put("ignore_merges", ignoreMerges);
        ObjectNode vocab = model.putObject("vocab");
        for (int b = 0; b < 256; b++) {
            vocab.put(String.valueOf(ByteLevelAlphabet.forByte(b)), b);
        }
        vocab.put("Ġt", 256).put("he", 257).put("Ġthe", 258).put("Ġth", 259);
        ArrayNode merges = model.putArray("merges");
        String[][] rules = {{"Ġ", "t"}, {"h", "e"}, {"Ġt", "he"}};
        for (String[] rule : rules) {
            if (pairMerges) {
                merges.addArray().add(rule[0]).add(rule[1]);
            } else {
                merges.add(rule[0] + " " + rule[1]);
            }
        }
        return root.toString();
    }

    @Test
    void byteLevelSplitsWithGpt2RegexAndAddsAPrefixSpace() throws IOException {
        Tokenizer tokenizer = load(byteLevel(false, false, true));
        assertArrayEquals(new int[] {258, 258}, tokenizer.encode("the the", false));
        assertEquals(" the the", tokenizer.decode(new int[] {258, 258})); // the prefix space is real text here
        assertArrayEquals(new int[] {256, 'h'}, tokenizer.encode(" th", false));
        String text = "Ünïcödé\n\tand 🦙 bytes\u0000";
        assertEquals(" " + text, tokenizer.decode(tokenizer.encode(text, false)));
    }

    @Test
    void pairMergesEqualStringMerges() throws IOException {
        Tokenizer strings = load(byteLevel(false, false, true));
        Tokenizer pairs = load(byteLevel(false, true, true));
        for (String text : new String[] {"the the", "then", "other th", "he the"}) {
            assertArrayEquals(strings.encode(text, false), pairs.encode(text, false), text);
        }
    }

    @Test
    void ignoreMergesTakesAWordThatIsAPieceWhole() throws IOException {
        assertArrayEquals(new int[] {256, 'h'}, load(byteLevel(false, false, true)).encode("th", false));
        assertArrayEquals(new int[] {259}, load(byteLevel(true, false, true)).encode("th", false));
    }

    @Test
    void byteLevelWithoutRegexKeepsTheTextAsOneWord() throws IOException {
        Tokenizer tokenizer = load(byteLevel(false, false, false));
        assertArrayEquals(new int[] {258, 258}, tokenizer.encode("the the", false)); // "Ġthe" + "Ġthe" either way
        assertArrayEquals(new int[] {258, 'n'}, tokenizer.encode("then", false));
        assertEquals(" then", tokenizer.decode(tokenizer.encode("then", false)));
    }

    /** Split (Isolated) and Digits pre-tokenizers, NFKC and Lowercase normalizers. */
    @Test
    void splitDigitsAndNormalizers() throws IOException {
        String json = """
                {
                  "normalizer": {"type": "Sequence", "normalizers": [{"type": "NFKC"}, {"type": "Lowercase"}]},
                  "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
                    {"type": "Split", "pattern": {"String": "-"}, "behavior": "Isolated", "invert": false},
                    {"type": "Digits", "individual_digits": true}
                  ]},
                  "model": {
                    "type": "BPE", "vocab": {"a": 0, "b": 1, "-": 2, "1": 3, "2": 4, "ab": 5, "12": 6},
                    "merges": ["a b", "1 2"]
                  }
                }
                """;
        Tokenizer tokenizer = load(json);
        // "１２" (full width) is "12" under NFKC; individual digits keep "1" and "2" apart despite the merge.
        assertArrayEquals(new int[] {5, 2, 3, 4, 5}, tokenizer.encode("AB-１２ab", false));
        assertFalse(tokenizer.addsBosByDefault());
        assertEquals(-1, tokenizer.bosId());
        assertEquals(7, tokenizer.vocabSize());
    }

    @Test
    void readsSpecialTokensFromTokenizerConfigInEitherForm() throws IOException {
        Files.writeString(dir.resolve("tokenizer_config.json"), """
                {"bos_token": {"content": "<x>", "lstrip": false}, "eos_token": "<y>", "add_bos_token": true}
                """);
        Tokenizer tokenizer = load(METASPACE);
        assertEquals(7, tokenizer.bosId());
        assertEquals(8, tokenizer.eosId());
        assertTrue(tokenizer.addsBosByDefault());
        assertArrayEquals(new int[] {7, 6}, tokenizer.encode("ab", true));
        assertEquals("ab", tokenizer.decode(new int[] {7, 6, 8}));
    }

    @Test
    void loadPrefersTokenizerJsonOverTokenizerBin() throws IOException {
        Files.write(dir.resolve("tokenizer.bin"), new byte[] {1, 2, 3}); // would be refused if it were read
        assertTrue(load(METASPACE) instanceof HfTokenizer);
    }

    /**
     * Gemma's pipeline in small: " " becomes "▁" before a Split on " " (MergedWithPrevious), byte fallback with one
     * byte token missing (Gemma 1/2 lack {@code <0x09>}), and a non-special added token "▁▁". Expected ids and
     * texts are what Hugging Face's tokenizers 0.23 gives for the same file.
     */
    private String gemmaLike() throws IOException {
        ObjectNode root = MAPPER.createObjectNode();
        root.putArray("added_tokens").addObject().put("id", 3).put("content", "▁▁").put("special", false)
                .put("normalized", false);
        root.putObject("normalizer").put("type", "Replace").put("content", "▁").putObject("pattern").put("String", " ");
        ObjectNode split = root.putObject("pre_tokenizer").put("type", "Split").put("behavior", "MergedWithPrevious")
                .put("invert", false);
        split.putObject("pattern").put("String", " ");
        ArrayNode decoders = root.putObject("decoder").put("type", "Sequence").putArray("decoders");
        decoders.addObject().put("type", "Replace").put("content", " ").putObject("pattern").put("String", "▁");
        decoders.addObject().put("type", "ByteFallback");
        decoders.addObject().put("type", "Fuse");
        ObjectNode model = root.putObject("model").put("type", "BPE").put("unk_token", "<unk>").put("fuse_unk", true)
                .put("byte_fallback", true);
        ObjectNode vocab = model.putObject("vocab").put("<unk>", 0).put("▁", 1).put("a", 2).put("▁▁", 3);
        for (int b = 0; b < 256; b++) {
            if (b != 0x09) {
                vocab.put(String.format("<0x%02X>", b), vocab.size());
            }
        }
        model.putArray("merges").addArray().add("▁").add("▁");
        return MAPPER.writeValueAsString(root);
    }

    @Test
    void byteFallbackGivesTheUnknownTokenWhereAByteTokenIsMissing() throws IOException {
        Tokenizer tokenizer = load(gemmaLike());
        assertArrayEquals(new int[] {2, 0, 2}, tokenizer.encode("a\t\ta", false)); // fused unk, as in HF
        assertArrayEquals(new int[] {198, 172, 0}, tokenizer.encode("é\t", false)); // <0xC3> <0xA9> <unk>
        assertArrayEquals(new int[] {2, 13}, tokenizer.encode("a\n", false));
        assertEquals("é", tokenizer.decode(new int[] {198, 172}));
    }

    @Test
    void addedTokensDecodeThroughTheDecoderLikePieces() throws IOException {
        Tokenizer tokenizer = load(gemmaLike());
        assertArrayEquals(new int[] {2, 3, 2}, tokenizer.encode("a  a", false));
        assertEquals("a  a", tokenizer.decode(new int[] {2, 3, 2}));
        assertEquals("  ", tokenizer.decode(new int[] {3})); // "▁▁" is two spaces, not the marker itself
    }

    /** Each Split behaviour against Hugging Face's {@code pre_tokenizers.Split("-", behavior)} on the same inputs. */
    @Test
    void splitBehavioursCutLikeHuggingFace() {
        Pattern dash = Pattern.compile("-");
        assertEquals(List.of("a", "b", "c"), PreTokenizer.split(List.of("a--b-c"), dash, "Removed", false));
        assertEquals(List.of("a"), PreTokenizer.split(List.of("-a-"), dash, "Removed", false));
        assertEquals(List.of(), PreTokenizer.split(List.of("--"), dash, "Removed", false));
        assertEquals(List.of("a-", "-", "b-", "c"), PreTokenizer.split(List.of("a--b-c"), dash, "MergedWithPrevious", false));
        assertEquals(List.of("-", "a-"), PreTokenizer.split(List.of("-a-"), dash, "MergedWithPrevious", false));
        assertEquals(List.of("-", "-"), PreTokenizer.split(List.of("--"), dash, "MergedWithPrevious", false));
        assertEquals(List.of("a", "-", "-b", "-c"), PreTokenizer.split(List.of("a--b-c"), dash, "MergedWithNext", false));
        assertEquals(List.of("-a", "-"), PreTokenizer.split(List.of("-a-"), dash, "MergedWithNext", false));
        assertEquals(List.of("-", "-"), PreTokenizer.split(List.of("--"), dash, "MergedWithNext", false));
        // invert: the text between matches plays the matches' part
        assertEquals(List.of("-", "-", "-"), PreTokenizer.split(List.of("a--b-c"), dash, "Removed", true));
        assertEquals(List.of("a", "-", "-b", "-c"), PreTokenizer.split(List.of("a--b-c"), dash, "MergedWithPrevious", true));
        assertEquals(List.of("-a", "-"), PreTokenizer.split(List.of("-a-"), dash, "MergedWithPrevious", true));
        assertEquals(List.of("a-", "-", "b-", "c"), PreTokenizer.split(List.of("a--b-c"), dash, "MergedWithNext", true));
        assertEquals(List.of("-", "a-"), PreTokenizer.split(List.of("-a-"), dash, "MergedWithNext", true));
    }

    /**
     * Added tokens with {@code normalized: true} are found in the normalized text by their normalized content ("a b"
     * as "a▁b", so the raw "a▁b" matches it too); with false only in the raw input. Expected ids are Hugging Face
     * tokenizers 0.23's for the same file.
     */
    private String withAddedTokens(boolean normalized) throws IOException {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode added = root.putArray("added_tokens");
        added.addObject().put("id", 8).put("content", "<x>").put("special", false).put("normalized", normalized);
        added.addObject().put("id", 9).put("content", "a b").put("special", false).put("normalized", normalized);
        root.putObject("normalizer").put("type", "Replace").put("content", "▁").putObject("pattern").put("String", " ");
        ArrayNode decoders = root.putObject("decoder").put("type", "Sequence").putArray("decoders");
        decoders.addObject().put("type", "Replace").put("content", " ").putObject("pattern").put("String", "▁");
        decoders.addObject().put("type", "Fuse");
        ObjectNode model = root.putObject("model").put("type", "BPE").put("unk_token", "<unk>").put("fuse_unk", true);
        model.putObject("vocab").put("<unk>", 0).put("▁", 1).put("a", 2).put("b", 3).put("<", 4).put("x", 5)
                .put(">", 6).put("▁a", 7);
        model.putArray("merges").add("▁ a");
        return MAPPER.writeValueAsString(root);
    }

    @Test
    void normalizedAddedTokensAreMatchedInTheNormalizedText() throws IOException {
        Tokenizer tokenizer = load(withAddedTokens(true));
        assertArrayEquals(new int[] {9}, tokenizer.encode("a b", false));
        assertArrayEquals(new int[] {3, 1, 9, 8}, tokenizer.encode("b a b<x>", false));
        assertArrayEquals(new int[] {9}, tokenizer.encode("a▁b", false));
        assertArrayEquals(new int[] {1, 9, 1}, tokenizer.encode(" a b ", false));
        assertEquals("b a b<x>", tokenizer.decode(new int[] {3, 1, 9, 8}));
    }

    @Test
    void unnormalizedAddedTokensAreMatchedInTheRawInputOnly() throws IOException {
        Tokenizer tokenizer = load(withAddedTokens(false));
        assertArrayEquals(new int[] {9}, tokenizer.encode("a b", false));
        assertArrayEquals(new int[] {3, 1, 9, 8}, tokenizer.encode("b a b<x>", false));
        assertArrayEquals(new int[] {2, 1, 3}, tokenizer.encode("a▁b", false));
        assertArrayEquals(new int[] {1, 9, 1}, tokenizer.encode(" a b ", false));
    }
}
