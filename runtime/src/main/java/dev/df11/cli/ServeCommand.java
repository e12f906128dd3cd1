package dev.df11.cli;

import dev.df11.runtime.model.ModelConfig;
import dev.df11.runtime.model.ModelConfigParser;
import dev.df11.runtime.serving.ModelServer;
import dev.df11.runtime.serving.OpenAiServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * {@code df11 serve}: an OpenAI-compatible HTTP server for a BF16 or DF11 model folder, with continuous batching on
 * the CPU and TornadoVM backends. Runs until SIGTERM or Ctrl-C, then shuts down gracefully.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a BF16 or DF11 model folder over an OpenAI-compatible HTTP API (/v1/completions, "
                + "/v1/chat/completions, /v1/models, /health, /metrics), batching concurrent requests.")
public final class ServeCommand extends Df11Command {

    @Option(names = "--model", required = true, paramLabel = "<dir>", description = "Model folder.")
    Path model;

    @Option(names = "--model-name", paramLabel = "NAME", description = "The model id clients name in requests "
            + "(default: the folder's name).")
    String modelName;

    @Option(names = "--backend", defaultValue = "cpu", description = "Backend (default: ${DEFAULT-VALUE}); cpu and "
            + "tornado batch sequences (tornado in --max-batch device KV slots, fewer if they do not fit), others "
            + "serve one at a time.")
    String backend;

    @Mixin
    DeviceOptions deviceOptions = new DeviceOptions();

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: "
            + "${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Port (default: ${DEFAULT-VALUE}; 0 = any free).")
    int port;

    @Option(names = "--api-key", paramLabel = "KEY", description = "Require 'Authorization: Bearer KEY' on /v1 "
            + "requests (default: the DF11_API_KEY environment variable, else no key).")
    String apiKey;

    @Option(names = "--max-batch", defaultValue = "16", converter = WholeNumberConverter.class,
            description = "Sequences generated together at most (default: ${DEFAULT-VALUE}).")
    long maxBatch;

    @Option(names = "--max-queue", defaultValue = "256", converter = WholeNumberConverter.class,
            description = "Requests waiting at most; more get 429 (default: ${DEFAULT-VALUE}).")
    long maxQueue;

    @Option(names = "--context", defaultValue = "0", converter = WholeNumberConverter.class,
            description = "Context length in tokens per sequence, at most max_position_embeddings (default: "
                    + "max_position_embeddings, at most 2048).")
    long context;

    @Option(names = "--threads", description = "Compute threads, 1 to " + ThreadsOption.MAX_THREADS
            + " (default: all cores).")
    Integer threads;

    @Mixin
    DecodeModeOption decodeMode = new DecodeModeOption();

    @Option(names = "--prefetch", description = "DF11: decode the next unit on a background thread.")
    boolean prefetch;

    @Option(names = "--shutdown-grace", defaultValue = "30", converter = WholeNumberConverter.class,
            description = "Seconds running requests get to finish after SIGTERM (default: ${DEFAULT-VALUE}).")
    long shutdownGrace;

    @Option(names = "--max-request-bytes", defaultValue = "1048576", converter = WholeNumberConverter.class,
            description = "Largest request body (default: ${DEFAULT-VALUE}); larger ones get 413.")
    long maxRequestBytes;

    private static final int DEFAULT_CONTEXT_CAP = 2048;

    @Override
    protected int run() throws Exception {
        int threadCount = ThreadsOption.resolve("--threads", threads);
        check(maxBatch >= 1 && maxBatch <= 4096, "--max-batch " + maxBatch + " is out of range: give 1 to 4096");
        check(maxQueue >= 1 && maxQueue <= 1_000_000, "--max-queue " + maxQueue + " is out of range: give 1 to "
                + "1000000");
        check(port >= 0 && port <= 65535, "--port " + port + " is out of range: give 0 to 65535");
        check(context >= 0, "--context " + context + " is negative: give a number of tokens, or leave it out");
        check(shutdownGrace >= 0 && shutdownGrace <= 3600, "--shutdown-grace " + shutdownGrace + " is out of range: "
                + "give 0 to 3600 seconds");
        check(maxRequestBytes >= 1024 && maxRequestBytes <= (1L << 30), "--max-request-bytes " + maxRequestBytes
                + " is out of range: give 1024 to 1073741824");
        String device = deviceOptions.resolve(backend);
        String key = apiKey != null ? apiKey : System.getenv("DF11_API_KEY");
        check(key == null || !key.isBlank(), "--api-key is empty: give a key, or leave the option out");
        ModelConfig config = ModelConfigParser.read(model);
        int contextLength = GenerateOptionChecks.contextLength(context, config, model.resolve("config.json"),
                DEFAULT_CONTEXT_CAP, "cpu".equals(backend));
        String id = modelName != null ? modelName : model.toAbsolutePath().normalize().getFileName().toString();
        PrintStream console = System.err;
        ModelServer server = ModelServer.start(new ModelServer.Options(model, id, backend, device, threadCount,
                prefetch, decodeMode.value(), contextLength, (int) maxBatch, (int) maxQueue, host, port, key,
                new OpenAiServer.Limits(maxRequestBytes, OpenAiServer.Limits.DEFAULT.maxHeaderBytes(),
                        OpenAiServer.Limits.DEFAULT.maxRequestLineBytes()), 0), console);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            console.println("serve: shutting down (running requests get " + shutdownGrace + " s to finish)");
            server.shutdown(Duration.ofSeconds(shutdownGrace));
            console.println("serve: stopped");
            console.flush();
            stopped.countDown();
        }, "df11-serve-shutdown"));
        out().println("serving " + id + " (" + backend + ", context " + contextLength + ") on http://" + host + ":"
                + server.port() + "/v1" + (key != null ? " (API key required)" : ""));
        out().println(server.summary());
        out().flush();
        stopped.await();
        return 0;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
