package dev.df11.runtime.tokenizer.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.df11.runtime.tokenizer.TestVocabularies;
import dev.df11.runtime.tokenizer.Tokenizer;
import dev.df11.runtime.tokenizer.Tokenizers;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every cached real vocabulary (Mistral, Llama 3, Qwen3, Gemma 3, Gemma 1/2) gives the same ids as Hugging Face's
 * {@code tokenizers} library on the same texts, and decodes them to the same text. The expected ids were made by
 * runtime/src/test/python/make_tokenizer_references.py from the very tokenizer.json files that
 * scripts/fetch-tokenizers.sh verifies (their sha256 is recorded and checked here too).
 */
class HfTokenizerReferenceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    Stream<DynamicNode> encodesAndDecodesLikeHuggingFaceTokenizers() throws IOException {
        JsonNode root;
        try (InputStream in = HfTokenizerReferenceTest.class.getResourceAsStream("/tokenizer-references/ids.json")) {
            root = JSON.readTree(in);
        }
        List<DynamicNode> families = new ArrayList<>();
        for (Map.Entry<String, JsonNode> vocabulary : root.get("vocabularies").properties()) {
            String name = vocabulary.getKey();
            JsonNode cases = vocabulary.getValue().get("cases");
            String sha = vocabulary.getValue().get("tokenizer_json_sha256").textValue();
            var loaded = new Loaded(name);
            List<DynamicTest> tests = new ArrayList<>();
            tests.add(DynamicTest.dynamicTest("tokenizer.json is the one the references were made from", () -> {
                var file = TestVocabularies.huggingFace(name).resolve("tokenizer.json");
                assertEquals(sha, sha256(Files.readAllBytes(file)), file + " is not the reference's tokenizer.json");
            }));
            for (int i = 0; i < cases.size(); i++) {
                JsonNode c = cases.get(i);
                String text = c.get("text").textValue();
                int[] ids = JSON.convertValue(c.get("ids"), int[].class);
                String decoded = c.get("decoded").textValue();
                tests.add(DynamicTest.dynamicTest("#" + i + " " + printable(text), () -> {
                    Tokenizer tokenizer = loaded.get();
                    assertArrayEquals(ids, tokenizer.encode(text, false),
                            () -> "ids of " + printable(text) + ": df11 " + Arrays.toString(tokenizer.encode(text, false)));
                    // df11 decodes BOS and EOS to no text (a generation loop must not print them); HF spells them.
                    boolean spellsBosOrEos = Arrays.stream(ids).anyMatch(id -> id == tokenizer.bosId()
                            || Arrays.stream(tokenizer.eosIds()).anyMatch(eos -> eos == id));
                    if (!spellsBosOrEos) {
                        assertEquals(decoded, tokenizer.decode(ids), () -> "decoding of " + printable(text));
                    }
                }));
            }
            families.add(DynamicContainer.dynamicContainer(name, tests));
        }
        return families.stream();
    }

    /** One vocabulary loaded once for all its cases (a failed load is not retried case after case). */
    private static final class Loaded {
        private final String name;
        private Tokenizer tokenizer;
        private Throwable failure;

        Loaded(String name) {
            this.name = name;
        }

        Tokenizer get() throws Throwable {
            if (failure != null) {
                throw failure;
            }
            if (tokenizer == null) {
                try {
                    tokenizer = Tokenizers.load(TestVocabularies.huggingFace(name), null);
                } catch (Throwable e) {
                    failure = e;
                    throw e;
                }
            }
            return tokenizer;
        }
    }

    private static String printable(String text) {
        String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return JSON.valueToTree(shown).toString();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
