package dev.df11.runtime.chat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.df11.runtime.cpu.CpuBackend;
import dev.df11.runtime.inference.ForwardPass;
import dev.df11.runtime.inference.GenerationSettings;
import dev.df11.runtime.inference.Generator;
import dev.df11.runtime.inference.GenerationResult;
import dev.df11.runtime.testmodels.ChatTestModel;
import dev.df11.runtime.tokenizer.Tokenizer;
import dev.df11.runtime.tokenizer.Tokenizers;
import dev.df11.runtime.weights.WeightStore;
import dev.df11.runtime.weights.WeightStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Turn handling on a random-weight model with a chat template: prompt ids, KV-cache reuse, reset, context. */
class ChatSessionTest {

    @TempDir
    Path dir;
    private Path model;
    private Tokenizer tokenizer;
    private ChatTemplate template;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        model = ChatTestModel.write(dir.resolve("model"), 11, true);
        tokenizer = Tokenizers.load(model, new ObjectMapper().readTree(model.resolve("config.json").toFile()));
        template = ChatTemplate.load(model).orElseThrow();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private ForwardPass forward(int context) throws IOException {
        WeightStore weights = WeightStores.open(model, new WeightStores.Df11Options(1));
        ForwardPass forward = new ForwardPass(new CpuBackend(1), weights, context, 16);
        open.add(forward);
        return forward;
    }

    private static GenerationSettings settings(int maxTokens) {
        return GenerationSettings.greedy(maxTokens).withStopTokens(Set.of(ChatTestModel.END));
    }

    @Test
    void promptIdsAreTheTokenizedRendering() throws IOException {
        ChatSession chat = new ChatSession(template, tokenizer, forward(256), settings(4), "be brief", Map.of());
        int[] ids = chat.promptIds("hi");
        assertEquals("<s><|system|>\nbe brief<|end|>\n<|user|>\nhi<|end|>\n<|assistant|>\n",
                template.render(List.of(ChatMessage.system("be brief"), ChatMessage.user("hi")), true));
        assertEquals(1, ids[0]);                          // <s> as one special token, not characters
        assertEquals(3, ids[1]);                          // <|system|>
        assertEquals(5, ids[ids.length - 2]);             // <|assistant|>
        assertEquals("<|system|>\nbe brief<|end|>\n<|user|>\nhi<|end|>\n<|assistant|>\n", tokenizer.decode(ids),
                "the ids spell the rendering (BOS decodes to nothing)");
    }

    /**
     * The second turn runs only the tokens after what the cache holds, and generates exactly what a fresh run of
     * the whole second-turn prompt generates.
     */
    @Test
    void secondTurnReusesTheCacheAndMatchesAFreshRun() throws IOException {
        ChatSession chat = new ChatSession(template, tokenizer, forward(256), settings(6), null, Map.of());
        ChatSession.Turn first = chat.send("hello there", t -> { });
        assertEquals(0, first.reusedTokens());
        ChatSession.Turn second = chat.send("and again", t -> { });
        assertTrue(second.reusedTokens() > first.promptIds().length - 1,
                "reused " + second.reusedTokens() + " of a first prompt of " + first.promptIds().length);
        assertEquals(second.promptIds().length - second.reusedTokens(), second.result().promptTokens().length);

        int[] expectedPrompt = tokenizer.encode(template.render(List.of(ChatMessage.user("hello there"),
                ChatMessage.assistant(first.reply()), ChatMessage.user("and again")), true), false);
        assertArrayEquals(expectedPrompt, second.promptIds());
        GenerationResult fresh = new Generator(forward(256)).generate(expectedPrompt, settings(6), t -> { });
        assertArrayEquals(fresh.generatedTokens(), second.result().generatedTokens());
        assertEquals(List.of(ChatMessage.user("hello there"), ChatMessage.assistant(first.reply()),
                ChatMessage.user("and again"), ChatMessage.assistant(second.reply())), chat.messages());
    }

    @Test
    void resetStartsOverWithTheSystemPromptAndAnEmptyCache() throws IOException {
        ChatSession chat = new ChatSession(template, tokenizer, forward(256), settings(3), "sys", Map.of());
        ChatSession.Turn before = chat.send("one", t -> { });
        chat.reset();
        assertEquals(List.of(ChatMessage.system("sys")), chat.messages());
        ChatSession.Turn after = chat.send("one", t -> { });
        assertEquals(0, after.reusedTokens(), "nothing reused after /reset");
        assertArrayEquals(before.result().generatedTokens(), after.result().generatedTokens());
    }

    @Test
    void aConversationLongerThanTheContextIsRefusedAndKept() throws IOException {
        ChatSession chat = new ChatSession(template, tokenizer, forward(40), settings(2), null, Map.of());
        chat.send("hi", t -> { });
        List<ChatMessage> before = chat.messages();
        ChatSession.ContextFullException e = assertThrows(ChatSession.ContextFullException.class,
                () -> chat.send("x".repeat(60), t -> { }));
        assertTrue(e.getMessage().contains("/reset"), e.getMessage());
        assertEquals(before, chat.messages());
        chat.send("ok", t -> { });                        // the conversation goes on
        assertEquals(before.size() + 2, chat.messages().size());
    }

    /** A stop token from the settings (generation_config.json's extra end ids) ends generation right there. */
    @Test
    void stopTokensEndGenerationWhereTheyAreChosen() throws IOException {
        int[] prompt = tokenizer.encode("<s>hello", false);
        int[] free = new Generator(forward(256)).generate(prompt, GenerationSettings.greedy(8), t -> { })
                .generatedTokens();
        int stop = free[3];
        int firstAt = Arrays.stream(free).boxed().toList().indexOf(stop);
        GenerationResult stopped = new Generator(forward(256)).generate(prompt,
                GenerationSettings.greedy(8).withStopTokens(Set.of(stop)), t -> { });
        assertEquals(dev.df11.runtime.inference.StopReason.END_OF_SEQUENCE, stopped.stopReason());
        assertArrayEquals(Arrays.copyOf(free, firstAt), stopped.generatedTokens());
    }
}
