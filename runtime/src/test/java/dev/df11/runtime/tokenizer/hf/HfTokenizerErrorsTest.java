package dev.df11.runtime.tokenizer.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.df11.runtime.tokenizer.InvalidTokenizerException;
import dev.df11.runtime.tokenizer.Tokenizer;
import dev.df11.runtime.tokenizer.Tokenizers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Unsupported or malformed {@code tokenizer.json} files are refused with the file and the field named. */
class HfTokenizerErrorsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    private static ObjectNode valid() {
        try {
            return (ObjectNode) MAPPER.readTree("""
                    {"model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b"]}}
                    """);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private InvalidTokenizerException rejected(String json) throws IOException {
        Path file = Files.writeString(dir.resolve("tokenizer.json"), json);
        var e = assertThrows(InvalidTokenizerException.class, () -> Tokenizers.load(dir, null));
        assertEquals(file, e.file());
        return e;
    }

    private void assertRejected(Consumer<ObjectNode> change, String... mentions) throws IOException {
        ObjectNode root = valid();
        change.accept(root);
        String message = rejected(root.toString()).getMessage();
        for (String mention : mentions) {
            assertTrue(message.contains(mention), () -> "\"" + mention + "\" missing from: " + message);
        }
    }

    private static ObjectNode model(ObjectNode root) {
        return (ObjectNode) root.get("model");
    }

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theValidBaseLoads() throws IOException {
        Files.writeString(dir.resolve("tokenizer.json"), valid().toString());
        assertEquals(2, Tokenizers.load(dir, null).encode("ab", false)[0]);
    }

    @Test
    void refusesFilesThatAreNotJson() throws IOException {
        assertTrue(rejected("{\"model\": ").getMessage().contains("not valid JSON"));
        assertTrue(rejected("[1, 2]").getMessage().contains("not a JSON object"));
        assertTrue(rejected("{}").getMessage().contains("model is missing"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            model.type                  | {"type": "Unigram", "vocab": [["a", 0.0]]}                | Unigram
            model.vocab                 | {"type": "BPE", "vocab": [], "merges": []}                | not an object
            model.merges                | {"type": "BPE", "vocab": {"a": 0}}                        | is missing
            model.merges[0]             | {"type": "BPE", "vocab": {"a": 0}, "merges": ["a"]}       | not two pieces
            model.merges[0]             | {"type": "BPE", "vocab": {"a": 0}, "merges": [["a"]]}     | neither
            model.merges[0]             | {"type": "BPE", "vocab": {"a": 0}, "merges": ["a c"]}     | "c" is not in model.vocab
            model.merges[0]             | {"type": "BPE", "vocab": {"a": 0}, "merges": ["a a"]}     | "aa" is not in model.vocab
            model.vocab["a"]            | {"type": "BPE", "vocab": {"a": -1}, "merges": []}         | not a token id
            model.vocab["b"]            | {"type": "BPE", "vocab": {"a": 0, "b": 0}, "merges": []}  | reuses id 0
            model.vocab                 | {"type": "BPE", "vocab": {}, "merges": []}                | is empty
            model.unk_token             | {"type": "BPE", "vocab": {"a": 0}, "merges": [], "unk_token": "<unk>"} | not in model.vocab
            model.byte_fallback         | {"type": "BPE", "vocab": {"a": 0}, "merges": [], "byte_fallback": true} | lacks every byte piece <0x00>..<0xFF>
            model.continuing_subword_prefix | {"type": "BPE", "vocab": {"a": 0}, "merges": [], "continuing_subword_prefix": "##"} | ##
            model.dropout               | {"type": "BPE", "vocab": {"a": 0}, "merges": [], "dropout": 0.1} | 0.1
            """)
    void namesTheBrokenModelField(String field, String model, String detail) throws IOException {
        assertRejected(root -> root.set("model", json(model)), field, detail, "tokenizer.json");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            normalizer      | {"type": "BertNormalizer"}                                              | normalizer.type
            normalizer      | {"type": "Sequence", "normalizers": [{"type": "NFC"}, {"type": "Strip"}]} | normalizer.normalizers[1].type
            normalizer      | {"type": "Replace", "pattern": {"Bad": 1}, "content": "x"}             | normalizer.pattern
            pre_tokenizer   | {"type": "Whitespace"}                                                 | pre_tokenizer.type
            pre_tokenizer   | {"type": "Split", "pattern": {"Regex": "a"}, "behavior": "Contiguous"} | pre_tokenizer.behavior
            pre_tokenizer   | {"type": "Split", "pattern": {"Regex": "(a"}, "behavior": "Isolated"}  | pre_tokenizer.pattern.Regex
            pre_tokenizer   | {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "sometimes"} | pre_tokenizer.prepend_scheme
            pre_tokenizer   | {"type": "Metaspace", "replacement": "__"}                              | pre_tokenizer.replacement
            decoder         | {"type": "WordPiece", "prefix": "##"}                                   | decoder.type
            decoder         | {"type": "Sequence", "decoders": [{"type": "Strip", "content": " ", "start": 0, "stop": 1}]} | decoder.decoders[0]
            decoder         | {"type": "Replace", "pattern": {"Regex": "x"}, "content": " "}          | decoder
            added_tokens    | [{"id": 5}]                                                            | added_tokens[0].content
            added_tokens    | [{"id": -5, "content": "<x>"}]                                         | added_tokens[0].id
            """)
    void namesTheBrokenComponentField(String component, String value, String field) throws IOException {
        assertRejected(root -> root.set(component, json(value)), field);
    }

    @Test
    void namesTokenizerConfigWhenItsTokenIsUnknown() throws IOException {
        Path config = Files.writeString(dir.resolve("tokenizer_config.json"), "{\"bos_token\": \"<s>\"}");
        Files.writeString(dir.resolve("tokenizer.json"), valid().toString());
        var e = assertThrows(InvalidTokenizerException.class, () -> Tokenizers.load(dir, null));
        assertEquals(config, e.file());
        assertTrue(e.getMessage().contains("bos_token \"<s>\""), e.getMessage());
    }

    @Test
    void namesTheConfigFieldWhenAnIdIsOutOfRange() throws IOException {
        Files.writeString(dir.resolve("tokenizer.json"), valid().toString());
        var e = assertThrows(InvalidTokenizerException.class,
                () -> Tokenizers.load(dir, json("{\"eos_token_id\": [1, 99]}")));
        assertTrue(e.getMessage().contains("eos_token_id"), e.getMessage());
        e = assertThrows(InvalidTokenizerException.class, () -> Tokenizers.load(dir, json("{\"bos_token_id\": \"x\"}")));
        assertTrue(e.getMessage().contains("bos_token_id"), e.getMessage());
    }

    @Test
    void aModelWithoutTypeButWithMergesIsBpe() throws IOException {
        ObjectNode root = valid();
        model(root).remove("type");
        Files.writeString(dir.resolve("tokenizer.json"), root.toString());
        assertEquals(1, Tokenizers.load(dir, null).encode("ab", false).length);
    }
}
