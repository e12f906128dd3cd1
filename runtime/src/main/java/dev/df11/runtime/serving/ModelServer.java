package dev.df11.runtime.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.df11.runtime.backend.Backend;
import dev.df11.runtime.backend.SequenceBatching;
import dev.df11.runtime.chat.ChatMessage;
import dev.df11.runtime.chat.ChatTemplate;
import dev.df11.runtime.chat.GenerationDefaults;
import dev.df11.runtime.inference.Backends;
import dev.df11.runtime.inference.ForwardPass;
import dev.df11.runtime.tokenizer.Tokenizer;
import dev.df11.runtime.tokenizer.Tokenizers;
import dev.df11.runtime.weights.WeightStore;
import dev.df11.runtime.weights.WeightStores;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A model folder served over HTTP: opens the weights and tokenizer, loads the backend, computes the KV cache budget,
 * and starts the {@link BatchScheduler} and the {@link OpenAiServer}. What {@code df11 serve} runs, and what the
 * integration tests start on loopback.
 */
public final class ModelServer implements AutoCloseable {

    /** Rows of one step at least (prompt chunks fill what decoding sequences leave). */
    static final int MIN_STEP_ROWS = 64;
    /** Share of the heap left after loading that running sequences' KV caches may take. */
    static final double KV_HEAP_SHARE = 0.5;

    /**
     * @param kvBudgetBytes KV cache budget, or 0 to compute it: at most {@code maxBatch} full-context caches, within
     *                      half the heap left after loading
     */
    public record Options(Path model, String modelId, String backend, String device, int threads, boolean prefetch,
                          String decodeMode, int context, int maxBatch, int maxQueue, String host, int port, String apiKey,
                          OpenAiServer.Limits limits, long kvBudgetBytes) {
    }

    private final BatchScheduler scheduler;
    private final OpenAiServer server;
    private final ForwardPass forward;
    private final String summary;

    private ModelServer(BatchScheduler scheduler, OpenAiServer server, ForwardPass forward, String summary) {
        this.scheduler = scheduler;
        this.server = server;
        this.forward = forward;
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
        WeightStore weights = WeightStores.open(o.model(), new WeightStores.Df11Options(o.threads()));
        ForwardPass forward;
        try {
            Backend backend = Backends.create(o.backend(), o.threads(), o.device(), o.prefetch(), o.decodeMode());
            if (backend instanceof SequenceBatching batching) {
                batching.reserveSequences(o.maxBatch());
            }
            int rows = backend instanceof SequenceBatching ? Math.max(o.maxBatch(), MIN_STEP_ROWS)
                    : Math.min(MIN_STEP_ROWS, o.context());
            forward = new ForwardPass(backend, weights, o.context(), rows);
        } catch (RuntimeException | Error e) {
            weights.close();
            throw e;
        }
        BatchScheduler scheduler;
        String summary;
        try {
            Backend backend = forward.backend();
            long budget = o.kvBudgetBytes();
            if (backend instanceof SequenceBatching batching) {
                long full = batching.sequenceCacheBytes(o.context());
                boolean slots = batching.maxSequences() != Integer.MAX_VALUE;
                if (budget == 0 && slots) {
                    // Fixed slots were allocated (on the device) at load: the budget is what they hold.
                    budget = batching.maxSequences() * full;
                } else if (budget == 0) {
                    System.gc();
                    Runtime rt = Runtime.getRuntime();
                    long headroom = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
                    budget = Math.min((long) o.maxBatch() * full, (long) (headroom * KV_HEAP_SHARE));
                }
                if (budget < full) {
                    throw new IllegalArgumentException("the KV cache of one sequence of the whole context ("
                            + o.context() + " tokens) takes " + full + " bytes, more than the budget of " + budget
                            + " bytes (half the heap left after loading): give a smaller --context, or more heap "
                            + "(DF11_HEAP=16g scripts/df11 serve ...)");
                }
                summary = String.format("KV cache budget: %.1f MiB = %.1f sequences of the full context (%d tokens, "
                                + "%.1f KiB per token); up to %d sequences per step (--max-batch), %d rows per step",
                        budget / 1048576.0, (double) budget / full, o.context(),
                        full / (double) o.context() / 1024.0, o.maxBatch(), batching.maxRows())
                        + (slots ? String.format("; backend %s holds %d sequence slots%s", backend.name(),
                        batching.maxSequences(), batching.maxSequences() < o.maxBatch()
                                ? " (fewer than --max-batch: no more fit its memory)" : "") : "");
            } else {
                budget = Long.MAX_VALUE;
                summary = "backend " + backend.name() + " holds one KV cache: sequences are served one after another"
                        + " (batch size 1; --max-batch does not apply)";
            }
            scheduler = new BatchScheduler(weights, backend, forward, o.context(), o.maxBatch(), o.maxQueue(),
                    budget);
        } catch (RuntimeException | Error e) {
            forward.close();
            throw e;
        }
        OpenAiServer server;
        try {
            server = new OpenAiServer(scheduler, tokenizer, o.modelId(), chat, SamplingDefaults.of(defaults),
                    stopTokenIds, o.apiKey(), o.host(), o.port(), o.limits(), log);
        } catch (RuntimeException | Error e) {
            scheduler.close();
            forward.close();
            throw e;
        }
        return new ModelServer(scheduler, server, forward, summary + (chat == null ? "; no chat template ("
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
        return scheduler;
    }

    /** One line on the KV budget, batch size and chat template, for the console. */
    public String summary() {
        return summary;
    }

    /** Graceful shutdown (see {@link OpenAiServer#shutdown}), then the weights and backend are released. */
    public void shutdown(Duration grace) {
        server.shutdown(grace);
        forward.close();
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }
}
