package dev.df11.runtime.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.df11.runtime.testmodels.TestModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

import static dev.df11.runtime.serving.TestServers.MODEL;
import static dev.df11.runtime.serving.TestServers.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Non-streaming requests whose client goes away (their sequence is cancelled at once, not run to max_tokens), and
 * non-streaming requests on connections that stay (keep-alive and pipelining still work), over raw sockets. The model
 * is stories15M with a chat template added (the messages' contents, one after another), so that both endpoints
 * generate its long greedy story (217 tokens from "Once upon a time").
 */
class WholeAnswerDisconnectTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long WAIT_NANOS = 20_000_000_000L;
    /** As much as the context leaves after "Once upon a time" (5 tokens of 256). */
    private static final int MAX_TOKENS = 250;
    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static ModelServer server;

    @BeforeAll
    static void start() throws Exception {
        Path model = TestModels.newFolder("stories15M-chat");
        try (var files = Files.list(TestModels.stories15MDf11())) {
            for (Path file : files.toList()) {
                Files.createSymbolicLink(model.resolve(file.getFileName()), file);
            }
        }
        Files.writeString(model.resolve("chat_template.jinja"),
                "{% for message in messages %}{{ message['content'] }}{% endfor %}");
        server = ModelServer.start(new ModelServer.Options(model, MODEL, "cpu", null, 2, false,
                null, TestServers.CONTEXT, 8, 64, "127.0.0.1", 0, null, OpenAiServer.Limits.DEFAULT, 0),
                new PrintStream(LOG, true, StandardCharsets.UTF_8));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /**
     * The client sends a non-streaming request for as many tokens as the context holds and hangs up once its
     * sequence runs: the sequence is cancelled (its KV cache freed) rather than run to its end, and the request is
     * logged as 499. (Before the watch, such a sequence ran its whole story: finish "stop", nothing cancelled.)
     */
    @ParameterizedTest
    @ValueSource(strings = {"/v1/completions", "/v1/chat/completions"})
    void nonStreamingClientThatDisconnectsCancelsItsSequence(String path) throws Exception {
        double cancelledBefore = metric("df11_sequences_finished_total{finish_reason=\"cancelled\"}");
        String endpoint = path.contains("chat") ? " chat 499 " : " completions 499 ";
        long loggedBefore = LOG.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains(endpoint)).count();
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.getOutputStream().write(request(path, path.contains("chat") ? chat(MAX_TOKENS)
                    : completion(MAX_TOKENS)));
            socket.getOutputStream().flush();
            waitFor(() -> server.scheduler().active() > 0);
        }
        waitFor(() -> server.scheduler().active() == 0 && server.scheduler().kvBytesInUse() == 0);
        assertEquals(0, server.scheduler().active());
        assertEquals(0, server.scheduler().kvBytesInUse());
        assertEquals(cancelledBefore + 1, metric("df11_sequences_finished_total{finish_reason=\"cancelled\"}"),
                "the sequence was cancelled, not run to its end");
        waitFor(() -> LOG.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains(endpoint)).count()
                > loggedBefore);
        String line = LOG.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains(endpoint))
                .reduce((first, last) -> last).orElseThrow(() -> new AssertionError("no 499 line in " + LOG));
        assertTrue(line.endsWith("finish=client disconnected (connection closed)"), line);
    }

    /**
     * One connection, kept alive: an answer, then two requests sent back to back (the second arrives while the first
     * is generated, or is already buffered): every answer arrives whole and in order, and nothing is cancelled.
     */
    @Test
    void keepAliveAndPipelinedRequestsAreAnsweredInOrder() throws Exception {
        double cancelledBefore = metric("df11_sequences_finished_total{finish_reason=\"cancelled\"}");
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            out.write(request("/v1/completions", completion(4)));
            out.flush();
            assertAnswer(readResponse(in), 4);

            out.write(request("/v1/completions", completion(40)));
            out.flush();
            waitFor(() -> server.scheduler().active() > 0 || server.scheduler().queued() > 0);
            out.write(request("/v1/completions", completion(3)));
            out.write(request("/v1/completions", completion(2)));
            out.flush();
            assertAnswer(readResponse(in), 40);
            assertAnswer(readResponse(in), 3);
            assertAnswer(readResponse(in), 2);
        }
        waitFor(() -> server.scheduler().active() == 0);
        assertEquals(cancelledBefore, metric("df11_sequences_finished_total{finish_reason=\"cancelled\"}"),
                "a client that closes after its answers cancels nothing");
    }

    /**
     * Shutdown with a kept-alive connection whose answer is out (its watch still waits for the client's next request):
     * the server stops, and the client sees its connection closed, not left open.
     */
    @Test
    void shutdownClosesAnAnsweredConnectionThatWaitsForItsNextRequest() throws Exception {
        ModelServer own = TestServers.start();
        boolean closed = false;
        try (Socket socket = new Socket("127.0.0.1", own.port())) {
            socket.setSoTimeout((int) (WAIT_NANOS / 1_000_000));
            InputStream in = new BufferedInputStream(socket.getInputStream());
            socket.getOutputStream().write(request("/v1/completions", completion(3)));
            socket.getOutputStream().flush();
            assertAnswer(readResponse(in), 3);
            own.close();
            closed = true;
            assertEquals(-1, in.read(), "the connection was closed at shutdown");
        } finally {
            if (!closed) {
                own.close();
            }
        }
    }

    private static String completion(int maxTokens) {
        return "{\"model\": \"" + MODEL + "\", \"prompt\": \"Once upon a time\", \"max_tokens\": " + maxTokens
                + ", \"temperature\": 0}";
    }

    private static String chat(int maxTokens) {
        return "{\"model\": \"" + MODEL + "\", \"messages\": [{\"role\": \"user\", \"content\": "
                + "\"Once upon a time\"}], \"max_tokens\": " + maxTokens + ", \"temperature\": 0}";
    }

    private static byte[] request(String path, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return ("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                + bytes.length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8);
    }

    /** A 200 text completion of at most {@code maxTokens} tokens. */
    private static void assertAnswer(String[] response, int maxTokens) throws IOException {
        assertTrue(response[0].startsWith("HTTP/1.1 200"), response[0] + "\n" + response[1]);
        JsonNode body = JSON.readTree(response[1]);
        assertEquals("text_completion", body.get("object").asText(), response[1]);
        int tokens = body.get("usage").get("completion_tokens").asInt();
        assertTrue(tokens >= 1 && tokens <= maxTokens, response[1]);
    }

    /** One HTTP/1.1 response with a Content-Length body: its status line and its body. */
    private static String[] readResponse(InputStream in) throws IOException {
        String status = readLine(in);
        int length = -1;
        for (String header = readLine(in); !header.isEmpty(); header = readLine(in)) {
            if (header.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(header.substring(header.indexOf(':') + 1).trim());
            }
        }
        assertTrue(length >= 0, "no Content-Length after " + status);
        return new String[] {status, new String(in.readNBytes(length), StandardCharsets.UTF_8)};
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the connection closed mid-response after '" + line + "'");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    private static double metric(String name) throws Exception {
        for (String line : get(server, "/metrics").body().split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    /** Waits (a bounded while, no timing asserted) until the condition holds. */
    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
    }
}
