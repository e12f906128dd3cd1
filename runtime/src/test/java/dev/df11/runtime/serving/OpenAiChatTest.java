package dev.df11.runtime.serving;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.df11.runtime.chat.ChatMessage;
import dev.df11.runtime.chat.ChatTemplate;
import dev.df11.runtime.inference.ForwardPass;
import dev.df11.runtime.inference.GenerationResult;
import dev.df11.runtime.inference.GenerationSettings;
import dev.df11.runtime.inference.Generator;
import dev.df11.runtime.cpu.CpuBackend;
import dev.df11.runtime.testmodels.ChatTestModel;
import dev.df11.runtime.testmodels.TestModels;
import dev.df11.runtime.tokenizer.StreamingDecoder;
import dev.df11.runtime.tokenizer.Tokenizer;
import dev.df11.runtime.tokenizer.Tokenizers;
import dev.df11.runtime.weights.WeightStore;
import dev.df11.runtime.weights.WeightStores;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Chat completions through the model's chat template, with the OpenAI Java SDK and LangChain4j's chat models: a
 * random-weight model with a character tokenizer, a Phi-3-style template and a generation_config.json that ends at
 * {@code </s>} and {@code <|end|>} and samples greedily ({@link ChatTestModel}). The server's answer must be exactly
 * what the template-rendered prompt gives through the single-sequence {@link Generator}.
 */
class OpenAiChatTest {

    private static final String ID = "chat-test";
    private static final String SYSTEM = "You are brief.";
    private static final String USER = "Tell me about the sea.";
    private static final int MAX_TOKENS = 40;
    private static Path model;
    private static ModelServer server;
    private static OpenAIClient openAi;
    private static String expected;
    private static int expectedPromptTokens;

    @BeforeAll
    static void start() throws Exception {
        model = ChatTestModel.write(TestModels.newFolder("chat"), 11, true);
        Tokenizer tokenizer = Tokenizers.load(model, null);
        String prompt = ChatTemplate.load(model).orElseThrow().render(
                List.of(ChatMessage.system(SYSTEM), ChatMessage.user(USER)), true);
        int[] ids = tokenizer.encode(prompt, false);
        expectedPromptTokens = ids.length;
        try (WeightStore weights = WeightStores.open(model, new WeightStores.Df11Options(2));
             ForwardPass forward = new ForwardPass(new CpuBackend(2), weights, TestServers.CONTEXT, 16)) {
            GenerationResult result = new Generator(forward).generate(ids,
                    GenerationSettings.greedy(MAX_TOKENS).withStopTokens(Set.of(2, ChatTestModel.END)), t -> { });
            StreamingDecoder decoder = tokenizer.streamingDecoder();
            StringBuilder text = new StringBuilder();
            for (int token : result.generatedTokens()) {
                text.append(decoder.feed(token));
            }
            expected = text.append(decoder.finish()).toString();
        }
        assertFalse(expected.isEmpty(), "the reference answer is empty: pick another seed");
        server = TestServers.start(model, ID, null, 8, 64, OpenAiServer.Limits.DEFAULT);
        openAi = OpenAIOkHttpClient.builder().baseUrl(TestServers.base(server) + "/v1").apiKey("none").maxRetries(0)
                .build();
    }

    @AfterAll
    static void stop() {
        if (openAi != null) {
            openAi.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static ChatCompletionCreateParams params() {
        return ChatCompletionCreateParams.builder().model(ID).addSystemMessage(SYSTEM).addUserMessage(USER)
                .maxCompletionTokens(MAX_TOKENS).temperature(0).build();
    }

    @Test
    void openAiSdkChatCompletionIsTheTemplatedPromptsAnswer() {
        ChatCompletion completion = openAi.chat().completions().create(params());
        assertEquals(expected, completion.choices().getFirst().message().content().orElse(""));
        assertEquals(expectedPromptTokens, completion.usage().orElseThrow().promptTokens());
        assertEquals("chat.completion", completion._object_().toString().replace("\"", ""));
    }

    @Test
    void openAiSdkChatStreamGivesTheSameText() {
        StringBuilder text = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = openAi.chat().completions().createStreaming(params())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(choice ->
                    choice.delta().content().ifPresent(text::append)));
        }
        assertEquals(expected, text.toString());
    }

    /** LangChain4j sends no temperature here: generation_config.json's do_sample false makes it greedy. */
    @Test
    void langChain4jChatModel() {
        OpenAiChatModel chat = OpenAiChatModel.builder().baseUrl(TestServers.base(server) + "/v1").apiKey("none")
                .modelName(ID).maxCompletionTokens(MAX_TOKENS).maxRetries(0).timeout(Duration.ofSeconds(60)).build();
        ChatResponse response = chat.chat(SystemMessage.from(SYSTEM), UserMessage.from(USER));
        assertEquals(expected, response.aiMessage().text());
    }

    @Test
    void langChain4jStreamingChatModel() throws Exception {
        OpenAiStreamingChatModel chat = OpenAiStreamingChatModel.builder()
                .baseUrl(TestServers.base(server) + "/v1").apiKey("none").modelName(ID).temperature(0.0)
                .maxCompletionTokens(MAX_TOKENS).timeout(Duration.ofSeconds(60)).build();
        StringBuilder pieces = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        chat.chat(List.of(SystemMessage.from(SYSTEM), UserMessage.from(USER)), new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
                pieces.append(partial);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse response = done.get(60, TimeUnit.SECONDS);
        assertEquals(expected, pieces.toString());
        assertEquals(expected, response.aiMessage().text());
    }
}
