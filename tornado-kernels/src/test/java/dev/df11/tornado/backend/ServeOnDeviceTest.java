package dev.df11.tornado.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.df11.runtime.serving.ModelServer;
import dev.df11.runtime.serving.OpenAiServer;
import dev.df11.runtime.testmodels.TestModels;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code df11 serve --backend tornado --max-batch 2} on PoCL with stories15M (DF11): the server asks the backend for
 * two KV slots and says so at start; four concurrent completions of different lengths (so two wait for a slot, join a
 * decoding batch and reuse an ended sequence's slot; long prompts run in chunks beside decoding rows) get exactly the
 * text each gets alone, and every slot is free afterwards.
 */
class ServeOnDeviceTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] PROMPTS = {
            "Once upon a time",
            "The little dog ran to the park and saw a big red ball. He",
            "Tom",
            "One day, a girl named Sue found a shiny key under her bed. She wondered what it could open, so she",
    };
    private static final int[] MAX_TOKENS = {10, 4, 12, 6};

    @Test
    void concurrentCompletionsShareStepsInTwoDeviceSlotsAndGetTheirAloneText() throws Exception {
        ModelServer server = ModelServer.start(new ModelServer.Options(TestModels.stories15MDf11(), "stories15M",
                "tornado", null, 2, false, null, 128, 2, 16, "127.0.0.1", 0, null, OpenAiServer.Limits.DEFAULT, 0),
                new PrintStream(OutputStream.nullOutputStream()));
        try {
            assertTrue(server.summary().contains("backend tornado holds 2 sequence slots"), server.summary());
            assertEquals(2, server.scheduler().maxBatch());
            List<String> alone = new ArrayList<>();
            for (int i = 0; i < PROMPTS.length; i++) {
                alone.add(complete(server, PROMPTS[i], MAX_TOKENS[i]).join());
            }
            List<CompletableFuture<String>> together = new ArrayList<>();
            for (int i = 0; i < PROMPTS.length; i++) {
                together.add(complete(server, PROMPTS[i], MAX_TOKENS[i]));
            }
            for (int i = 0; i < PROMPTS.length; i++) {
                assertEquals(alone.get(i), together.get(i).join(), "prompt " + i + ": " + PROMPTS[i]);
            }
            assertEquals(0, server.scheduler().kvBytesInUse());
        } finally {
            server.close();
        }
    }

    /**
     * {@code df11 serve --backend tornado --devices 0:0,0:0 --max-batch 2}: the same device string the CLI passes,
     * a pipeline of two execution plans (stages) on the PoCL device, whose KV slots each stage holds for its own
     * blocks. Three concurrent completions (one waits for a slot) get the text each gets alone on one plan.
     */
    @Test
    void completionsServedOverATwoDevicePipelineGetTheTextOfOneDevice() throws Exception {
        List<String> alone = new ArrayList<>();
        ModelServer one = ModelServer.start(new ModelServer.Options(TestModels.stories15MDf11(), "stories15M",
                "tornado", null, 2, false, null, 128, 2, 16, "127.0.0.1", 0, null, OpenAiServer.Limits.DEFAULT, 0),
                new PrintStream(OutputStream.nullOutputStream()));
        try {
            for (int i = 0; i < 3; i++) {
                alone.add(complete(one, PROMPTS[i], MAX_TOKENS[i]).join());
            }
        } finally {
            one.close();
        }
        ModelServer server = ModelServer.start(new ModelServer.Options(TestModels.stories15MDf11(), "stories15M",
                "tornado", "0:0,0:0", 2, false, null, 128, 2, 16, "127.0.0.1", 0, null, OpenAiServer.Limits.DEFAULT,
                0), new PrintStream(OutputStream.nullOutputStream()));
        try {
            assertTrue(server.summary().contains("backend tornado holds 2 sequence slots"), server.summary());
            List<CompletableFuture<String>> together = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                together.add(complete(server, PROMPTS[i], MAX_TOKENS[i]));
            }
            for (int i = 0; i < 3; i++) {
                assertEquals(alone.get(i), together.get(i).join(), "prompt " + i + ": " + PROMPTS[i]);
            }
            assertEquals(0, server.scheduler().kvBytesInUse());
        } finally {
            server.close();
        }
    }

    private static CompletableFuture<String> complete(ModelServer server, String prompt, int maxTokens)
            throws Exception {
        String body = JSON.writeValueAsString(JSON.createObjectNode().put("model", "stories15M").put("prompt", prompt)
                .put("max_tokens", maxTokens).put("temperature", 0));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + "/v1/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString()).orTimeout(120, TimeUnit.SECONDS)
                .thenApply(response -> {
            assertEquals(200, response.statusCode(), response.body());
            try {
                JsonNode json = JSON.readTree(response.body());
                return json.path("choices").path(0).path("text").asText();
            } catch (Exception e) {
                throw new IllegalStateException(response.body(), e);
            }
        });
    }
}
