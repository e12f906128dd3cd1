package dev.df11.runtime.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static dev.df11.runtime.serving.TestServers.MODEL;
import static dev.df11.runtime.serving.TestServers.get;
import static dev.df11.runtime.serving.TestServers.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP API on loopback: OpenAI's wire format, and every kind of bad request answered, never crashing. */
class OpenAiServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static ModelServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    private static String completion(String extra) {
        return "{\"model\": \"" + MODEL + "\", \"prompt\": \"Once upon a time\"" + extra + "}";
    }

    /** A 400 (or other status) with an OpenAI error body naming the parameter. */
    private static JsonNode assertError(HttpResponse<String> response, int status, String param) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode error = json(response).get("error");
        assertTrue(error.get("message").isTextual() && !error.get("message").asText().isEmpty(), response.body());
        assertTrue(error.has("type") && error.has("param") && error.has("code"), response.body());
        if (param != null) {
            assertEquals(param, error.get("param").asText(), response.body());
        }
        return error;
    }

    @Test
    void completionHasOpenAiShape() throws Exception {
        HttpResponse<String> response = post(server, "/v1/completions",
                completion(", \"max_tokens\": 12, \"temperature\": 0"));
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = json(response);
        assertTrue(body.get("id").asText().startsWith("cmpl-"));
        assertEquals("text_completion", body.get("object").asText());
        assertEquals(MODEL, body.get("model").asText());
        JsonNode choice = body.get("choices").get(0);
        assertTrue(choice.get("text").asText().startsWith(", there was a little girl"), choice.toString());
        assertEquals("length", choice.get("finish_reason").asText());
        JsonNode usage = body.get("usage");
        assertEquals(12, usage.get("completion_tokens").asInt());
        assertEquals(usage.get("prompt_tokens").asInt() + 12, usage.get("total_tokens").asInt());
    }

    @Test
    void streamingSendsChunksThenFinishReasonThenDone() throws Exception {
        HttpResponse<String> response = post(server, "/v1/completions",
                completion(", \"max_tokens\": 6, \"temperature\": 0, \"stream\": true, "
                        + "\"stream_options\": {\"include_usage\": true}"));
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        List<String> data = new ArrayList<>();
        for (String line : response.body().split("\n")) {
            if (line.startsWith("data: ")) {
                data.add(line.substring(6));
            }
        }
        assertEquals("[DONE]", data.getLast());
        StringBuilder text = new StringBuilder();
        String finish = null;
        for (String event : data.subList(0, data.size() - 2)) {
            JsonNode choice = JSON.readTree(event).get("choices").get(0);
            text.append(choice.get("text").asText());
            if (!choice.get("finish_reason").isNull()) {
                finish = choice.get("finish_reason").asText();
            }
        }
        assertEquals("length", finish);
        assertEquals(", there was a little girl", text.toString());
        assertEquals(6, JSON.readTree(data.get(data.size() - 2)).get("usage").get("completion_tokens").asInt());
    }

    @Test
    void stopSequenceEndsTheTextBeforeIt() throws Exception {
        JsonNode body = json(post(server, "/v1/completions",
                completion(", \"max_tokens\": 30, \"temperature\": 0, \"stop\": [\" girl\", \"zzz\"]")));
        JsonNode choice = body.get("choices").get(0);
        assertEquals(", there was a little", choice.get("text").asText());
        assertEquals("stop", choice.get("finish_reason").asText());
    }

    @Test
    void seedReproducesASampledCompletion() throws Exception {
        String request = completion(", \"max_tokens\": 20, \"temperature\": 1.0, \"top_p\": 0.95, \"seed\": 77");
        String first = json(post(server, "/v1/completions", request)).get("choices").get(0).get("text").asText();
        String second = json(post(server, "/v1/completions", request)).get("choices").get(0).get("text").asText();
        assertEquals(first, second);
    }

    @Test
    void modelsListsTheServedModel() throws Exception {
        JsonNode body = json(get(server, "/v1/models"));
        assertEquals("list", body.get("object").asText());
        assertEquals(MODEL, body.get("data").get(0).get("id").asText());
        assertEquals("model", body.get("data").get(0).get("object").asText());
    }

    @Test
    void healthIsOk() throws Exception {
        HttpResponse<String> response = get(server, "/health");
        assertEquals(200, response.statusCode());
        assertEquals("ok", json(response).get("status").asText());
    }

    @Test
    void metricsArePrometheusText() throws Exception {
        post(server, "/v1/completions", completion(", \"max_tokens\": 2"));
        HttpResponse<String> response = get(server, "/metrics");
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        for (String metric : List.of("df11_queue_length", "df11_active_sequences", "df11_tokens_per_second",
                "df11_time_to_first_token_seconds_count", "df11_kv_cache_bytes", "df11_kv_cache_budget_bytes",
                "df11_generated_tokens_total")) {
            assertTrue(response.body().contains("\n" + metric + " ") || response.body().contains("\n" + metric + "{"),
                    metric + " missing in\n" + response.body());
        }
    }

    @Test
    void malformedJsonIs400() throws Exception {
        assertError(post(server, "/v1/completions", "{\"model\": \"" + MODEL + "\", \"prompt\": "), 400, null);
    }

    @Test
    void bodyThatIsNotAnObjectIs400() throws Exception {
        assertError(post(server, "/v1/completions", "[1, 2, 3]"), 400, null);
    }

    @Test
    void unknownModelIs400() throws Exception {
        JsonNode error = assertError(post(server, "/v1/completions", "{\"model\": \"gpt-4\", \"prompt\": \"hi\"}"),
                400, "model");
        assertEquals("model_not_found", error.get("code").asText());
    }

    @Test
    void missingModelIs400() throws Exception {
        assertError(post(server, "/v1/completions", "{\"prompt\": \"hi\"}"), 400, "model");
    }

    @Test
    void missingPromptIs400() throws Exception {
        assertError(post(server, "/v1/completions", "{\"model\": \"" + MODEL + "\"}"), 400, "prompt");
    }

    @Test
    void temperatureAboveTwoIs400() throws Exception {
        assertError(post(server, "/v1/completions", completion(", \"temperature\": 2.5")), 400, "temperature");
    }

    @Test
    void negativeTemperatureIs400() throws Exception {
        assertError(post(server, "/v1/completions", completion(", \"temperature\": -0.1")), 400, "temperature");
    }

    @Test
    void topPOfZeroIs400() throws Exception {
        assertError(post(server, "/v1/completions", completion(", \"top_p\": 0")), 400, "top_p");
    }

    @Test
    void maxTokensOfZeroIs400() throws Exception {
        assertError(post(server, "/v1/completions", completion(", \"max_tokens\": 0")), 400, "max_tokens");
    }

    @Test
    void maxTokensThatIsNotAnIntegerIs400() throws Exception {
        assertError(post(server, "/v1/completions", completion(", \"max_tokens\": \"ten\"")), 400, "max_tokens");
    }

    @Test
    void seedThatIsNotAnIntegerIs400() throws Exception {
        assertError(post(server, "/v1/completions", completion(", \"seed\": 1.5")), 400, "seed");
    }

    @Test
    void stopOfFiveSequencesIs400() throws Exception {
        assertError(post(server, "/v1/completions", completion(", \"stop\": [\"a\", \"b\", \"c\", \"d\", \"e\"]")),
                400, "stop");
    }

    @Test
    void moreThanOneChoiceIs400() throws Exception {
        assertError(post(server, "/v1/completions", completion(", \"n\": 2")), 400, "n");
    }

    @Test
    void promptLongerThanTheContextIs400() throws Exception {
        String prompt = "Once upon a time ".repeat(200);
        JsonNode error = assertError(post(server, "/v1/completions",
                "{\"model\": \"" + MODEL + "\", \"prompt\": \"" + prompt + "\"}"), 400, "prompt");
        assertEquals("context_length_exceeded", error.get("code").asText());
    }

    @Test
    void maxTokensBeyondTheContextIs400() throws Exception {
        JsonNode error = assertError(post(server, "/v1/completions", completion(", \"max_tokens\": 1000")), 400,
                "max_tokens");
        assertEquals("context_length_exceeded", error.get("code").asText());
    }

    @Test
    void tokenIdOutsideTheVocabularyIs400() throws Exception {
        assertError(post(server, "/v1/completions", "{\"model\": \"" + MODEL + "\", \"prompt\": [1, 32000]}"), 400,
                "prompt");
    }

    @Test
    void chatWithoutATemplateIs400() throws Exception {
        JsonNode error = assertError(post(server, "/v1/chat/completions", "{\"model\": \"" + MODEL
                + "\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}"), 400, "messages");
        assertTrue(error.get("message").asText().contains("no chat template"));
    }

    @Test
    void chatWithoutMessagesIs400() throws Exception {
        assertError(post(server, "/v1/chat/completions", "{\"model\": \"" + MODEL + "\"}"), 400, "messages");
    }

    @Test
    void chatMessageWithUnknownRoleIs400() throws Exception {
        assertError(post(server, "/v1/chat/completions", "{\"model\": \"" + MODEL
                + "\", \"messages\": [{\"role\": \"wizard\", \"content\": \"hi\"}]}"), 400, "messages[0].role");
    }

    /**
     * A body announced larger than the limit is refused from its headers, before it is read. (Over a raw socket: a
     * client still uploading when the server answers and closes may see a reset instead of the answer.)
     */
    @Test
    void bodyOverTheSizeLimitIs413() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + (2 << 20) + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            assertTrue(status != null && status.startsWith("HTTP/1.1 413"), "status line " + status);
        }
    }

    /**
     * Headers over the limit are refused (431, or a reset when the server closes while the client still sends), and
     * the server goes on serving.
     */
    @Test
    void headersOverTheSizeLimitAreRefused() throws Exception {
        try {
            HttpResponse<String> response = post(server, "/v1/completions", completion(""),
                    "X-Padding", "p".repeat(32 << 10));
            assertTrue(response.statusCode() == 431 || response.statusCode() == 400, "status " + response.statusCode());
        } catch (java.io.IOException reset) {
            // refused by closing the connection: the client saw no status line
        }
        assertEquals(200, get(server, "/health").statusCode());
    }

    /** A streaming client that hangs up mid-generation: its sequence is cancelled and its KV cache freed. */
    @Test
    void clientThatDisconnectsCancelsItsSequence() throws Exception {
        String body = completion(", \"max_tokens\": 200, \"temperature\": 0, \"stream\": true");
        double cancelledBefore = cancelled();
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.startsWith("data: ")) {
                // headers, chunk sizes
            }
            assertTrue(line != null, "no event arrived");
        }
        long deadline = System.nanoTime() + 20_000_000_000L;
        while ((server.scheduler().active() > 0 || server.scheduler().kvBytesInUse() > 0)
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, server.scheduler().active());
        assertEquals(0, server.scheduler().kvBytesInUse());
        assertEquals(cancelledBefore + 1, cancelled(), "the sequence was cancelled, not run to its end");
    }

    private static double cancelled() throws Exception {
        for (String line : get(server, "/metrics").body().split("\n")) {
            if (line.startsWith("df11_sequences_finished_total{finish_reason=\"cancelled\"}")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }
}
