package dev.df11.runtime.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.df11.runtime.chat.ChatMessage;
import dev.df11.runtime.chat.ChatTemplate;
import dev.df11.runtime.chat.GenerationDefaults;
import dev.df11.runtime.tokenizer.Tokenizer;
import dev.df11.runtime.tokenizer.Tokenizers;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A model folder served over HTTP: loads the tokenizer and a {@link ServingEngine} (weights, backend, KV cache budget,
 * {@link BatchScheduler}) and starts the {@link OpenAiServer} on it. What {@code df11 serve} runs, and what the
 * integration tests start on loopback.
 */
public final class ModelServer implements AutoCloseable {

    /**
     * @param kvBudgetBytes KV cache budget, or 0 to compute it: at most {@code maxBatch} full-context caches, within
     *                      half the heap left after loading
     */
    public record Options(Path model, String modelId, String backend, String device, int threads, boolean prefetch,
                          String decodeMode, int context, int maxBatch, int maxQueue, String host, int port, String apiKey,
                          OpenAiServer.Limits limits, long kvBudgetBytes) {
    }

    private final ServingEngine engine;
    private final OpenAiServer server;
    private final String summary;

    private ModelServer(ServingEngine engine, OpenAiServer server, String summary) {
        this.engine = engine;
        this.server = server;
        this.summary = summary;
    }

    /**
     * Loads and starts. The model's chat template (if any) formats chat requests; its generation_config.json (if
     * any) gives the end tokens of every generation and the sampling of requests that do not set it.
     */
    public static ModelServer start(Options o, PrintStream log) throws IOException {
        Tokenizer tokenizer = loadTokenizer(o.model());
        ChatRenderer chat = ChatTemplate.load(o.model()).map(ModelServer::renderer).orElse(null);
        GenerationDefaults defaults = GenerationDefaults.load(o.model());
        Set<Integer> stopTokenIds = new LinkedHashSet<>(defaults.eosTokenIds());
        Arrays.stream(tokenizer.eosIds()).forEach(stopTokenIds::add);
        ServingEngine engine = ServingEngine.open(new ServingEngine.Options(o.model(), o.backend(), o.device(),
                o.threads(), o.prefetch(), o.decodeMode(), o.context(), o.maxBatch(), o.maxQueue(),
                o.kvBudgetBytes()));
        OpenAiServer server;
        try {
            server = new OpenAiServer(engine.scheduler(), tokenizer, o.modelId(), chat, SamplingDefaults.of(defaults),
                    stopTokenIds, o.apiKey(), o.host(), o.port(), o.limits(), log);
        } catch (RuntimeException | Error e) {
            engine.close();
            throw e;
        }
        return new ModelServer(engine, server, engine.summary() + (chat == null ? "; no chat template ("
                + ChatTemplate.filesLookedFor(o.model()) + "): /v1/chat/completions answers 400" : "; chat template: "
                + "loaded"));
    }

    /** Chat requests through the model's template, with the assistant's turn opened. */
    private static ChatRenderer renderer(ChatTemplate template) {
        return messages -> template.render(messages.stream()
                .map(m -> new ChatMessage(m.role(), m.content())).toList(), true);
    }

    private static Tokenizer loadTokenizer(Path model) throws IOException {
        if (!Files.isRegularFile(model.resolve("tokenizer.json")) && !Files.isRegularFile(model.resolve("tokenizer.bin"))) {
            throw new IllegalArgumentException(model + ": no tokenizer.json or tokenizer.bin; the server needs the "
                    + "model's tokenizer to read prompts and write text");
        }
        return Tokenizers.load(model, new ObjectMapper().readTree(model.resolve("config.json").toFile()));
    }

    public int port() {
        return server.port();
    }

    public BatchScheduler scheduler() {
        return engine.scheduler();
    }

    /** One line on the KV budget, batch size and chat template, for the console. */
    public String summary() {
        return summary;
    }

    /** Graceful shutdown (see {@link OpenAiServer#shutdown}), then the weights and backend are released. */
    public void shutdown(Duration grace) {
        server.shutdown(grace);
        engine.close();
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }
}
