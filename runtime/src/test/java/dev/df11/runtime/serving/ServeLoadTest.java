package dev.df11.runtime.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.df11.runtime.serving.TestServers.MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bounded load test on loopback: 32 clients send greedy requests (whole and streaming, four prompts) for a fixed
 * 8 seconds against stories15M (DF11) on the CPU with at most 16 sequences per step. Every response must be a
 * complete 200 (no 5xx, no cut-off stream) whose text is exactly the one the same request gets alone.
 */
class ServeLoadTest {

    private static final int CLIENTS = 32;
    private static final long DURATION_NANOS = 8_000_000_000L;
    private static final int MAX_TOKENS = 16;
    private static final String[] PROMPTS = {"Once upon a time", "The cat sat", "Tom and Sue went to the park and",
            "One day"};
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void thirtyTwoClientsGetCompleteAnswersEqualToSingleRequests() throws Exception {
        try (ModelServer server = TestServers.start(null, 16, 256, OpenAiServer.Limits.DEFAULT);
             ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String[] alone = new String[PROMPTS.length];
            for (int p = 0; p < PROMPTS.length; p++) {
                alone[p] = text(http.send(request(server, p, false), HttpResponse.BodyHandlers.ofString()), false);
            }
            long deadline = System.nanoTime() + DURATION_NANOS;
            AtomicInteger completed = new AtomicInteger();
            Map<String, Integer> failures = new ConcurrentHashMap<>();
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                running.add(clients.submit(() -> {
                    int i = 0;
                    while (System.nanoTime() < deadline) {
                        int p = (client + i) % PROMPTS.length;
                        boolean stream = (client + i) % 2 == 0;
                        i++;
                        try {
                            HttpResponse<String> response = http.send(request(server, p, stream),
                                    HttpResponse.BodyHandlers.ofString());
                            String text = text(response, stream);
                            if (!alone[p].equals(text)) {
                                failures.merge("prompt " + p + " gave '" + text + "', alone '" + alone[p] + "'", 1,
                                        Integer::sum);
                            } else {
                                completed.incrementAndGet();
                            }
                        } catch (Exception | AssertionError e) {
                            failures.merge(e.toString(), 1, Integer::sum);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
            assertTrue(failures.isEmpty(), "failures: " + failures);
            assertTrue(completed.get() >= CLIENTS, "only " + completed.get() + " requests completed");
            assertEquals(0, server.scheduler().kvBytesInUse());
        }
    }

    private static HttpRequest request(ModelServer server, int prompt, boolean stream) {
        String body = "{\"model\": \"" + MODEL + "\", \"prompt\": \"" + PROMPTS[prompt] + "\", \"max_tokens\": "
                + MAX_TOKENS + ", \"temperature\": 0, \"stream\": " + stream + "}";
        return HttpRequest.newBuilder(URI.create(TestServers.base(server) + "/v1/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** The completion's text, after checking the response is a complete 200 with a finish reason. */
    private static String text(HttpResponse<String> response, boolean stream) throws Exception {
        assertEquals(200, response.statusCode(), response.body());
        if (!stream) {
            JsonNode choice = JSON.readTree(response.body()).get("choices").get(0);
            assertTrue(List.of("stop", "length").contains(choice.get("finish_reason").asText()), response.body());
            return choice.get("text").asText();
        }
        StringBuilder text = new StringBuilder();
        String finish = null;
        boolean done = false;
        for (String line : response.body().split("\n")) {
            if (line.equals("data: [DONE]")) {
                done = true;
            } else if (line.startsWith("data: ")) {
                JsonNode choice = JSON.readTree(line.substring(6)).get("choices").get(0);
                text.append(choice.get("text").asText());
                if (!choice.get("finish_reason").isNull()) {
                    finish = choice.get("finish_reason").asText();
                }
            }
        }
        assertTrue(done && finish != null, "incomplete stream: " + response.body());
        return text.toString();
    }
}
