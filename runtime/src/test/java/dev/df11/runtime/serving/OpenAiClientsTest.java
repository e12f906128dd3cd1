package dev.df11.runtime.serving;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionChoice;
import com.openai.models.completions.CompletionCreateParams;
import dev.langchain4j.model.StreamingResponseHandler;
import dev.langchain4j.model.openai.OpenAiLanguageModel;
import dev.langchain4j.model.openai.OpenAiStreamingLanguageModel;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.df11.runtime.serving.TestServers.MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clients nobody here wrote, against the server on loopback (with a bearer key): the official OpenAI Java SDK and
 * LangChain4j's OpenAI module, whole answers and streams. Greedy stories15M from "Once upon a time" continues with
 * ", there was a little girl named Lily" (llama2.c's run.c at temperature 0).
 */
class OpenAiClientsTest {

    private static final String KEY = "test-key-123";
    private static final String PROMPT = "Once upon a time";
    private static ModelServer server;
    private static OpenAIClient openAi;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(KEY, 8, 64, OpenAiServer.Limits.DEFAULT);
        openAi = OpenAIOkHttpClient.builder().baseUrl(TestServers.base(server) + "/v1").apiKey(KEY).maxRetries(0)
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

    private static CompletionCreateParams greedy(long maxTokens) {
        return CompletionCreateParams.builder().model(MODEL).prompt(PROMPT).maxTokens(maxTokens).temperature(0.0)
                .build();
    }

    @Test
    void openAiSdkCompletion() {
        Completion completion = openAi.completions().create(greedy(12));
        CompletionChoice choice = completion.choices().getFirst();
        assertTrue(choice.text().startsWith(", there was a little girl named Lily"), choice.text());
        assertEquals(CompletionChoice.FinishReason.LENGTH, choice.finishReason());
        assertEquals(12, completion.usage().orElseThrow().completionTokens());
        assertTrue(completion.id().startsWith("cmpl-"));
    }

    @Test
    void openAiSdkStreamingGivesTheSameText() {
        String whole = openAi.completions().create(greedy(20)).choices().getFirst().text();
        StringBuilder streamed = new StringBuilder();
        CompletionChoice.FinishReason[] finish = {null};
        try (StreamResponse<Completion> stream = openAi.completions().createStreaming(greedy(20))) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(choice -> {
                streamed.append(choice.text());
                choice._finishReason().asKnown().ifPresent(f -> finish[0] = f);
            }));
        }
        assertEquals(whole, streamed.toString());
        assertEquals(CompletionChoice.FinishReason.LENGTH, finish[0]);
    }

    @Test
    void openAiSdkReportsAnUnknownModelAsBadRequest() {
        BadRequestException e = assertThrows(BadRequestException.class, () -> openAi.completions().create(
                CompletionCreateParams.builder().model("gpt-4o").prompt(PROMPT).build()));
        assertEquals(400, e.statusCode());
        assertTrue(e.getMessage().contains("gpt-4o"), e.getMessage());
    }

    @Test
    void openAiSdkWithoutTheKeyIsUnauthorized() {
        OpenAIClient keyless = OpenAIOkHttpClient.builder().baseUrl(TestServers.base(server) + "/v1")
                .apiKey("wrong").maxRetries(0).build();
        try {
            assertThrows(UnauthorizedException.class, () -> keyless.completions().create(greedy(2)));
        } finally {
            keyless.close();
        }
    }

    @Test
    void langChain4jLanguageModel() {
        OpenAiLanguageModel model = OpenAiLanguageModel.builder().baseUrl(TestServers.base(server) + "/v1")
                .apiKey(KEY).modelName(MODEL).temperature(0.0).maxRetries(0).timeout(Duration.ofSeconds(60)).build();
        Response<String> response = model.generate(PROMPT);
        // No max_tokens in LangChain4j's request: OpenAI's default of 16 for completions.
        String expected = openAi.completions().create(greedy(16)).choices().getFirst().text();
        assertEquals(expected, response.content());
        assertEquals(FinishReason.LENGTH, response.finishReason());
        assertEquals(16, response.tokenUsage().outputTokenCount());
    }

    @Test
    void langChain4jStreamingLanguageModel() throws Exception {
        OpenAiStreamingLanguageModel model = OpenAiStreamingLanguageModel.builder()
                .baseUrl(TestServers.base(server) + "/v1").apiKey(KEY).modelName(MODEL).temperature(0.0)
                .timeout(Duration.ofSeconds(60)).build();
        StringBuilder pieces = new StringBuilder();
        CompletableFuture<Response<String>> done = new CompletableFuture<>();
        model.generate(PROMPT, new StreamingResponseHandler<>() {
            @Override
            public void onNext(String token) {
                pieces.append(token);
            }

            @Override
            public void onComplete(Response<String> response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        Response<String> response = done.get(60, TimeUnit.SECONDS);
        String expected = openAi.completions().create(greedy(16)).choices().getFirst().text();
        assertEquals(expected, pieces.toString());
        assertEquals(expected, response.content());
    }
}
