package dev.df11.runtime.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;

import static dev.df11.runtime.serving.TestServers.MODEL;
import static dev.df11.runtime.serving.TestServers.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bearer key, the queue limit and shutdown, each on a server of its own. */
class ServerAccessTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REQUEST = "{\"model\": \"" + MODEL + "\", \"prompt\": \"Once\", \"max_tokens\": 3}";

    @Test
    void missingApiKeyIs401() throws Exception {
        try (ModelServer server = TestServers.start("s3cret", 4, 16, OpenAiServer.Limits.DEFAULT)) {
            HttpResponse<String> response = post(server, "/v1/completions", REQUEST);
            assertEquals(401, response.statusCode());
            assertEquals("invalid_api_key", JSON.readTree(response.body()).get("error").get("code").asText());
            assertEquals(401, TestServers.get(server, "/v1/models").statusCode());
        }
    }

    @Test
    void wrongApiKeyIs401() throws Exception {
        try (ModelServer server = TestServers.start("s3cret", 4, 16, OpenAiServer.Limits.DEFAULT)) {
            assertEquals(401, post(server, "/v1/completions", REQUEST, "Authorization", "Bearer s3cre").statusCode());
            assertEquals(401, post(server, "/v1/completions", REQUEST, "Authorization", "s3cret").statusCode());
        }
    }

    @Test
    void rightApiKeyIsServed() throws Exception {
        try (ModelServer server = TestServers.start("s3cret", 4, 16, OpenAiServer.Limits.DEFAULT)) {
            assertEquals(200, post(server, "/v1/completions", REQUEST, "Authorization", "Bearer s3cret").statusCode());
            assertEquals(200, TestServers.get(server, "/health").statusCode());
        }
    }

    /** One sequence running, one waiting with --max-queue 1: the third request gets 429 with Retry-After. */
    @Test
    void fullQueueIs429WithRetryAfter() throws Exception {
        try (ModelServer server = TestServers.start(null, 1, 1, OpenAiServer.Limits.DEFAULT)) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String slow = "{\"model\": \"" + MODEL + "\", \"prompt\": \"Once\", \"max_tokens\": 60, \"temperature\": 0}";
            CompletableFuture<HttpResponse<String>> running = http.sendAsync(request(server, slow),
                    HttpResponse.BodyHandlers.ofString());
            waitFor(() -> server.scheduler().active() == 1);
            CompletableFuture<HttpResponse<String>> waiting = http.sendAsync(request(server, slow),
                    HttpResponse.BodyHandlers.ofString());
            waitFor(() -> server.scheduler().queued() == 1);
            HttpResponse<String> refused = post(server, "/v1/completions", REQUEST);
            assertEquals(429, refused.statusCode(), refused.body());
            assertEquals("1", refused.headers().firstValue("Retry-After").orElse(null));
            assertEquals("queue_full", JSON.readTree(refused.body()).get("error").get("code").asText());
            assertEquals(200, running.get().statusCode());
            assertEquals(200, waiting.get().statusCode());
        }
    }

    /**
     * Shutdown lets a running request finish within the grace period: its response is complete, with its finish
     * reason; afterwards the server refuses connections.
     */
    @Test
    void shutdownLetsRunningRequestsFinish() throws Exception {
        ModelServer server = TestServers.start(null, 4, 16, OpenAiServer.Limits.DEFAULT);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String body = "{\"model\": \"" + MODEL + "\", \"prompt\": \"Once\", \"max_tokens\": 40, \"temperature\": 0}";
        CompletableFuture<HttpResponse<String>> running = http.sendAsync(request(server, body),
                HttpResponse.BodyHandlers.ofString());
        waitFor(() -> server.scheduler().active() == 1);
        server.shutdown(java.time.Duration.ofSeconds(60));
        HttpResponse<String> response = running.get();
        assertEquals(200, response.statusCode());
        assertEquals("length", JSON.readTree(response.body()).get("choices").get(0).get("finish_reason").asText());
        assertEquals(40, JSON.readTree(response.body()).get("usage").get("completion_tokens").asInt());
    }

    /** With no grace, a running stream ends with finish_reason "abort" and [DONE], never cut off mid-way. */
    @Test
    void shutdownWithoutGraceEndsStreamsWithAbort() throws Exception {
        ModelServer server = TestServers.start(null, 4, 16, OpenAiServer.Limits.DEFAULT);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String body = "{\"model\": \"" + MODEL + "\", \"prompt\": \"Once\", \"max_tokens\": 250, \"temperature\": 0, "
                + "\"stream\": true}";
        CompletableFuture<HttpResponse<String>> running = http.sendAsync(request(server, body),
                HttpResponse.BodyHandlers.ofString());
        waitFor(() -> server.scheduler().stats().tokensPerSecond() > 0);
        server.shutdown(java.time.Duration.ZERO);
        String events = running.get().body();
        assertTrue(events.contains("\"finish_reason\":\"abort\""), events);
        assertTrue(events.strip().endsWith("data: [DONE]"), events);
    }

    private static HttpRequest request(ModelServer server, String body) {
        return HttpRequest.newBuilder(URI.create(TestServers.base(server) + "/v1/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting");
            Thread.sleep(5);
        }
    }
}
