package dev.df11.runtime.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.df11.runtime.tokenizer.StreamingDecoder;
import dev.df11.runtime.tokenizer.Tokenizer;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.http1.Http1Config;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The OpenAI-compatible HTTP front of a {@link BatchScheduler}, on Helidon SE's web server (a virtual thread per
 * request): {@code POST /v1/completions} and {@code POST /v1/chat/completions} (whole answers, or server-sent events
 * with {@code stream: true}), {@code GET /v1/models}, {@code GET /health}, {@code GET /metrics} (Prometheus).
 *
 * <p>Each request's thread submits its sequence and then waits for the tokens the scheduler hands it, decodes them,
 * applies the stop sequences and writes the response; the scheduler's thread never touches a socket. A streaming
 * client that goes away is noticed at the next write, a non-streaming one as soon as it closes its connection
 * ({@link ClientWatch}); either way its sequence is cancelled (its KV cache freed before the next step). Bad requests
 * get 400 with an OpenAI error body, a full queue 429 with {@code Retry-After}, a missing or wrong bearer key (with
 * {@code --api-key}) 401.
 */
public final class OpenAiServer implements AutoCloseable {

    /** Limits on what a request may send. */
    public record Limits(long maxPayloadBytes, int maxHeaderBytes, int maxRequestLineBytes) {
        public static final Limits DEFAULT = new Limits(1 << 20, 16 << 10, 8 << 10);
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RETRY_AFTER_SECONDS = "1";

    private final BatchScheduler scheduler;
    private final Tokenizer tokenizer;
    private final String modelId;
    private final ChatRenderer chat;
    private final SamplingDefaults sampling;
    private final java.util.Set<Integer> stopTokenIds;
    private final byte[] apiKey;
    private final PrintStream log;
    private final long created = Instant.now().getEpochSecond();
    private final WebServer server;
    private volatile boolean shuttingDown;
    /** Completion requests being answered, so that shutdown lets their last events out before closing. */
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    /** Watches of answered connections waiting for their client's next request, to end at shutdown. */
    private final java.util.Set<ClientWatch> releasing = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final long DRAIN_NANOS = 10_000_000_000L;

    /**
     * Starts serving on {@code host:port} (port 0: any free port, see {@link #port}).
     *
     * @param chat         the model's chat template, or null when it has none (chat requests then get 400)
     * @param sampling     temperature, top_p and top_k for requests that do not give them
     * @param stopTokenIds tokens that end every generation besides the model config's end-of-sequence ids (e.g.
     *                     every eos_token_id of generation_config.json)
     * @param apiKey       the bearer key every /v1 request must carry, or null for none
     * @param log          where the one line per request goes
     */
    public OpenAiServer(BatchScheduler scheduler, Tokenizer tokenizer, String modelId, ChatRenderer chat,
                        SamplingDefaults sampling, java.util.Set<Integer> stopTokenIds, String apiKey, String host,
                        int port, Limits limits, PrintStream log) {
        this.scheduler = scheduler;
        this.tokenizer = tokenizer;
        this.modelId = modelId;
        this.chat = chat;
        this.sampling = sampling;
        this.stopTokenIds = java.util.Set.copyOf(stopTokenIds);
        this.apiKey = apiKey == null ? null : apiKey.getBytes(StandardCharsets.UTF_8);
        this.log = log;
        this.server = WebServer.builder()
                .host(host)
                .port(port)
                .shutdownHook(false)
                .maxPayloadSize(limits.maxPayloadBytes())
                .addProtocol(Http1Config.builder()
                        .maxHeadersSize(limits.maxHeaderBytes())
                        .maxPrologueLength(limits.maxRequestLineBytes())
                        .addReceiveListener(ClientWatch.listener())
                        .build())
                .routing(this::routes)
                .build()
                .start();
    }

    /** The port the server listens on. */
    public int port() {
        return server.port();
    }

    private void routes(HttpRouting.Builder routing) {
        routing.post("/v1/completions", (req, res) -> completions(req, res, false))
                .post("/v1/chat/completions", (req, res) -> completions(req, res, true))
                .get("/v1/models", this::models)
                .get("/health", this::health)
                .get("/metrics", this::metrics);
    }

    /**
     * Graceful shutdown: /health turns 503, new requests are refused, queued ones end with {@code abort}, running
     * ones get {@code grace} to finish (then end with finish_reason {@code abort}); then the listener closes.
     */
    public void shutdown(Duration grace) {
        shuttingDown = true;
        scheduler.shutdown(grace);
        // Every sequence has ended now; give the request threads a moment to write their last event and [DONE].
        long deadline = System.nanoTime() + DRAIN_NANOS;
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        // Answered connections waiting for their client's next request close now, not after Helidon's grace period.
        releasing.forEach(ClientWatch::close);
        server.stop();
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }

    private void health(ServerRequest req, ServerResponse res) {
        ObjectNode body = JSON.createObjectNode();
        body.put("status", shuttingDown ? "shutting down" : "ok");
        body.put("model", modelId);
        body.put("active_sequences", scheduler.active());
        body.put("queued", scheduler.queued());
        sendJson(res, shuttingDown ? 503 : 200, body);
    }

    private void metrics(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, ServingStats.contentType());
        res.send(scheduler.stats().prometheusText());
    }

    private void models(ServerRequest req, ServerResponse res) {
        try {
            authorize(req);
        } catch (ApiException e) {
            sendError(res, e);
            return;
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("object", "list");
        ObjectNode model = body.putArray("data").addObject();
        model.put("id", modelId);
        model.put("object", "model");
        model.put("created", created);
        model.put("owned_by", "df11");
        model.put("max_model_len", scheduler.contextLength());
        sendJson(res, 200, body);
    }

    private void authorize(ServerRequest req) {
        if (apiKey == null) {
            return;
        }
        String header = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        byte[] given = header.startsWith("Bearer ") ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8)
                : new byte[0];
        if (!MessageDigest.isEqual(given, apiKey)) {
            throw new ApiException(401, "invalid_request_error", null, "invalid_api_key",
                    header.isEmpty() ? "missing API key: send 'Authorization: Bearer <key>' (the server's --api-key)"
                            : "incorrect API key");
        }
    }

    private void completions(ServerRequest req, ServerResponse res, boolean isChat) {
        // Set by answer once it watches the connection; read here even when answer throws, since a started watch
        // must be released before the connection goes back to Helidon.
        ClientWatch[] watched = {ClientWatch.NONE};
        inFlight.incrementAndGet();
        try {
            answer(req, res, isChat, watched);
        } finally {
            ClientWatch watch = watched[0];
            inFlight.decrementAndGet();
            // The answer is out (or the client is gone); the connection goes back to Helidon once the watch's read
            // has returned. Not counted in flight: shutdown need not wait for a client's next request.
            if (watch != ClientWatch.NONE) {
                releasing.add(watch);
                if (shuttingDown) {
                    watch.close();
                }
                try {
                    watch.release();
                } finally {
                    releasing.remove(watch);
                }
            }
        }
        if (watched[0].gone() && !res.isSent()) {
            // Nothing was written, and nothing must be: Helidon would answer a handler that sent nothing with a 500.
            // This exception is Helidon's way for a handler to end a connection quietly.
            throw new CloseConnectionException("the client closed its connection before its answer was ready");
        }
    }

    /** Answers a completion request; puts the watch on its connection, if it starts one, in {@code watched[0]}. */
    private void answer(ServerRequest req, ServerResponse res, boolean isChat, ClientWatch[] watched) {
        long start = System.nanoTime();
        String id = (isChat ? "chatcmpl-" : "cmpl-") + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        String endpoint = isChat ? "chat" : "completions";
        try {
            authorize(req);
            if (shuttingDown) {
                throw new ApiException(503, "server_error", null, "shutting_down", "the server is shutting down");
            }
            String body;
            try {
                body = req.content().as(String.class);
            } catch (RuntimeException e) {
                throw ApiException.invalid(null, "cannot read the request body: " + e.getMessage());
            }
            CompletionRequest request = CompletionRequest.parse(body, isChat, modelId);
            int[] prompt = promptIds(request);
            int context = scheduler.contextLength();
            int room = context - prompt.length;
            if (room < 1) {
                throw ApiException.invalid(isChat ? "messages" : "prompt", "context_length_exceeded",
                        "this model's context is " + context + " tokens, and the prompt has " + prompt.length
                                + ": no room for a completion; shorten the prompt");
            }
            int maxTokens = request.maxTokens() != null ? request.maxTokens() : isChat ? room : Math.min(16, room);
            if (maxTokens > room) {
                throw ApiException.invalid("max_tokens", "context_length_exceeded", "this model's context is "
                        + context + " tokens, but " + (prompt.length + (long) maxTokens) + " were requested ("
                        + prompt.length + " in the prompt, " + maxTokens + " for the completion); lower max_tokens "
                        + "or shorten the prompt");
            }
            Exchange exchange = new Exchange();
            ServedSequence sequence;
            try {
                sequence = scheduler.submit(prompt, request.settings(maxTokens, sampling, stopTokenIds), exchange);
            } catch (QueueFullException e) {
                res.header(HeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
                throw new ApiException(429, "rate_limit_error", null, "queue_full", e.getMessage());
            } catch (IllegalStateException e) {
                throw new ApiException(503, "server_error", null, "shutting_down", e.getMessage());
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid(isChat ? "messages" : "prompt", e.getMessage());
            }
            if (!request.stream()) {
                // Nothing is written until the answer is done: watch the connection meanwhile, so that a client that
                // goes away cancels its sequence (and frees its cache) now rather than at max_tokens.
                watched[0] = ClientWatch.start(req, () -> {
                    sequence.cancel();
                    exchange.clientGone();
                });
            }
            Outcome outcome = request.stream()
                    ? stream(res, request, id, sequence, exchange)
                    : whole(res, request, id, sequence, exchange, watched[0]);
            logLine(id, endpoint, outcome.status, prompt.length, outcome.tokens, exchange.firstTokenNanos - start,
                    System.nanoTime() - start, outcome.finish, request.stream());
        } catch (ApiException e) {
            sendError(res, e);
            logLine(id, endpoint, e.status, 0, 0, -1, System.nanoTime() - start, "error: " + e.getMessage(), false);
        } catch (RuntimeException e) {
            // A failure of ours, not the request's: an OpenAI-style 500 rather than the server's bare one.
            sendError(res, new ApiException(500, "server_error", null, null, "internal error: " + e));
            logLine(id, endpoint, 500, 0, 0, -1, System.nanoTime() - start, "error: " + e, false);
        }
    }

    private int[] promptIds(CompletionRequest request) {
        int[] ids;
        if (request.promptIds() != null) {
            ids = request.promptIds();
            int vocab = tokenizer.vocabSize();
            for (int token : ids) {
                if (token < 0 || token >= vocab) {
                    throw ApiException.invalid("prompt", "token id " + token + " is outside the vocabulary 0.."
                            + (vocab - 1));
                }
            }
            return ids;
        }
        String text;
        if (request.chat()) {
            if (chat == null) {
                throw ApiException.invalid("messages", "model_has_no_chat_template", "the model '" + modelId
                        + "' has no chat template (no chat_template in tokenizer_config.json, no chat_template.jinja),"
                        + " so chat requests cannot be formatted; use /v1/completions with a prompt");
            }
            try {
                text = chat.render(request.messages());
            } catch (RuntimeException e) {
                throw ApiException.invalid("messages", "the model's chat template refused these messages: "
                        + e.getMessage());
            }
            // The template writes the special tokens itself (BOS included where the model wants one).
            ids = tokenizer.encode(text, false);
        } else {
            ids = tokenizer.encode(request.prompt(), tokenizer.addsBosByDefault());
        }
        if (ids.length == 0) {
            throw ApiException.invalid(request.chat() ? "messages" : "prompt", "the prompt is empty");
        }
        return ids;
    }

    /** What a response ended with, for the log line. */
    private record Outcome(int status, int tokens, String finish) {
    }

    /** Tokens and the end of one sequence, handed from the scheduler's thread to the request's thread. */
    private static final class Exchange implements SequenceListener {
        final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
        volatile long firstTokenNanos;

        record End(FinishReason reason, Throwable error) {
        }

        @Override
        public void onPromptDone() {
            firstTokenNanos = System.nanoTime();
        }

        @Override
        public void onToken(int token) {
            events.add(token);
        }

        @Override
        public void onEnd(FinishReason reason, Throwable error) {
            events.add(new End(reason, error));
        }

        /** Wakes the request's thread at once: its client is gone (the scheduler's own end comes later, unread). */
        void clientGone() {
            events.add(new End(FinishReason.CANCELLED, null));
        }

        Object next() {
            try {
                return events.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new End(FinishReason.CANCELLED, e);
            }
        }
    }

    /** Reads the sequence's tokens as text until it ends or a stop sequence appears; feeds each piece to sink. */
    private String[] drive(ServedSequence sequence, Exchange exchange, CompletionRequest request,
                           java.util.function.Consumer<String> sink, int[] tokenCount) {
        StreamingDecoder decoder = tokenizer.streamingDecoder();
        StopMatcher stops = new StopMatcher(request.stop());
        while (true) {
            Object event = exchange.next();
            if (event instanceof Integer token) {
                tokenCount[0]++;
                String piece = stops.add(decoder.feed(token));
                if (!piece.isEmpty()) {
                    sink.accept(piece);
                }
                if (stops.stopped()) {
                    sequence.cancel();
                    return new String[] {"stop", null};
                }
            } else {
                Exchange.End end = (Exchange.End) event;
                String tail = stops.add(decoder.finish());
                tail += stops.stopped() ? "" : stops.finish();
                if (!tail.isEmpty()) {
                    sink.accept(tail);
                }
                if (stops.stopped()) {
                    return new String[] {"stop", null};
                }
                return new String[] {end.reason().wire(), end.error() == null ? null : String.valueOf(end.error())};
            }
        }
    }

    private Outcome whole(ServerResponse res, CompletionRequest request, String id, ServedSequence sequence,
                          Exchange exchange, ClientWatch watch) {
        StringBuilder text = new StringBuilder();
        int[] tokens = {0};
        String[] end = drive(sequence, exchange, request, text::append, tokens);
        if (watch.gone()) {
            // The client closed its connection: the sequence was cancelled; there is no one to write to.
            sequence.cancel();
            return new Outcome(499, tokens[0], "client disconnected (connection closed)");
        }
        String finish = end[0];
        if (finish.equals(FinishReason.ERROR.wire())) {
            sendError(res, new ApiException(500, "server_error", null, null, "generation failed: " + end[1]));
            return new Outcome(500, tokens[0], finish);
        }
        if (finish.equals(FinishReason.SHUTDOWN.wire()) && tokens[0] == 0) {
            sendError(res, new ApiException(503, "server_error", null, "shutting_down", "the server shut down "
                    + "before this request ran"));
            return new Outcome(503, 0, finish);
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("id", id);
        body.put("object", request.chat() ? "chat.completion" : "text_completion");
        body.put("created", Instant.now().getEpochSecond());
        body.put("model", modelId);
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0);
        if (request.chat()) {
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.put("content", text.toString());
        } else {
            choice.put("text", text.toString());
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", finish);
        usage(body.putObject("usage"), sequence.promptTokens(), tokens[0]);
        sendJson(res, 200, body);
        return new Outcome(200, tokens[0], finish);
    }

    private Outcome stream(ServerResponse res, CompletionRequest request, String id, ServedSequence sequence,
                           Exchange exchange) {
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        long createdAt = Instant.now().getEpochSecond();
        int[] tokens = {0};
        try (OutputStream out = res.outputStream()) {
            if (request.chat()) {
                ObjectNode first = chunk(request, id, createdAt);
                ObjectNode delta = ((ObjectNode) first.get("choices").get(0)).putObject("delta");
                delta.put("role", "assistant");
                delta.put("content", "");
                event(out, first);
            }
            String[] end = drive(sequence, exchange, request, piece -> {
                ObjectNode chunk = chunk(request, id, createdAt);
                ObjectNode choice = (ObjectNode) chunk.get("choices").get(0);
                if (request.chat()) {
                    choice.putObject("delta").put("content", piece);
                } else {
                    choice.put("text", piece);
                }
                event(out, chunk);
            }, tokens);
            if (end[0].equals(FinishReason.ERROR.wire())) {
                ObjectNode error = new ApiException(500, "server_error", null, null, "generation failed: " + end[1])
                        .body();
                event(out, error);
            } else {
                ObjectNode last = chunk(request, id, createdAt);
                ObjectNode choice = (ObjectNode) last.get("choices").get(0);
                if (request.chat()) {
                    choice.putObject("delta");
                } else {
                    choice.put("text", "");
                }
                choice.put("finish_reason", end[0]);
                event(out, last);
            }
            if (request.includeUsage()) {
                ObjectNode usage = chunk(request, id, createdAt);
                usage.putArray("choices");
                usage(usage.putObject("usage"), sequence.promptTokens(), tokens[0]);
                event(out, usage);
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            return new Outcome(200, tokens[0], end[0]);
        } catch (IOException | RuntimeException e) {
            // A write failed: the client went away (Helidon reports a closed connection with its own unchecked
            // exceptions). Stop generating for it and free its cache.
            sequence.cancel();
            return new Outcome(499, tokens[0], "client disconnected (" + e.getClass().getSimpleName() + ")");
        }
    }

    private ObjectNode chunk(CompletionRequest request, String id, long createdAt) {
        ObjectNode chunk = JSON.createObjectNode();
        chunk.put("id", id);
        chunk.put("object", request.chat() ? "chat.completion.chunk" : "text_completion");
        chunk.put("created", createdAt);
        chunk.put("model", modelId);
        ArrayNode choices = chunk.putArray("choices");
        ObjectNode choice = choices.addObject();
        choice.put("index", 0);
        choice.putNull("logprobs");
        choice.putNull("finish_reason");
        return chunk;
    }

    private static void event(OutputStream out, ObjectNode data) {
        try {
            out.write(("data: " + JSON.writeValueAsString(data) + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void usage(ObjectNode usage, int prompt, int completion) {
        usage.put("prompt_tokens", prompt);
        usage.put("completion_tokens", completion);
        usage.put("total_tokens", prompt + completion);
    }

    private static void sendJson(ServerResponse res, int status, ObjectNode body) {
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        try {
            res.send(JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sendError(ServerResponse res, ApiException e) {
        if (!res.isSent()) {
            sendJson(res, e.status, e.body());
        }
    }

    private void logLine(String id, String endpoint, int status, int promptTokens, int tokens, long ttftNanos,
                         long nanos, String finish, boolean stream) {
        double seconds = nanos / 1e9;
        log.printf("serve: %s %s%s %d prompt=%d completion=%d ttft=%s total=%.3fs %.1f tok/s finish=%s%n", id,
                endpoint, stream ? " stream" : "", status, promptTokens, tokens,
                ttftNanos > 0 ? String.format("%.3fs", ttftNanos / 1e9) : "-", seconds,
                seconds > 0 ? tokens / seconds : 0, finish);
        log.flush();
    }
}
