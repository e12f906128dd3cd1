package dev.df11.lab.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.df11.runtime.serving.BatchScheduler;
import dev.df11.runtime.serving.SchedulerLoad;
import dev.df11.runtime.serving.ServingEngine;
import dev.df11.runtime.synthetic.SyntheticShape;
import dev.df11.tornado.backend.TornadoBackend;
import dev.df11.tornado.backend.TornadoBackendOptions;
import dev.df11.tornado.backend.TornadoBackendProvider;
import dev.df11.tornado.backend.TornadoSettings;
import dev.df11.tornado.device.TornadoDevices;
import dev.df11.tornado.forward.ForwardProfile;
import dev.df11.tornado.forward.KernelTuning;
import dev.df11.tornado.forward.weights.DecodeMode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

/**
 * The serving benchmark on a TornadoVM device (issue 13): the continuous-batching scheduler of
 * {@code df11 serve --backend tornado}, driven directly (no HTTP) by the same load generator as the CPU
 * {@code ServingBenchmark} ({@link SchedulerLoad}), BF16 and DF11 of one model side by side in one run. Each mode
 * loads a {@link ServingEngine} exactly as the server does (backend from its provider with {@code --device} and
 * {@code --decode-mode}, sequence slots and step rows for the largest concurrency), runs each distinct prompt alone
 * once (untimed: it also compiles the kernels), then per concurrency an untimed warm-up round and the timed round.
 * Reports aggregate tokens/s, time to first token and per-token latency (median, p90, p99), the device memory the
 * backend accounts (weights, decode buffer, KV cache, activations), and the batch-invariance check: every request
 * must generate the tokens its prompt generated alone (exit code 2 when one does not). Prints a markdown table (a
 * row as each level finishes) and writes JSON after each mode ({@code "complete": false} until the last is done).
 *
 * <pre>
 * bin/serve-bench --shape llama-3.1-8b --concurrency 1,4,16,64 --out results/serve.json
 * </pre>
 */
@Command(name = "serve-bench", mixinStandardHelpOptions = true,
        description = "Serving throughput and latency (continuous batching) of BF16 and DF11 on a TornadoVM device.")
public final class ServeBenchmark implements Callable<Integer> {

    @Option(names = "--shape", defaultValue = "llama-3.1-8b",
            description = "Synthetic model shape: llama-3.2-1b, llama-3.1-8b, llama-44b or tiny (default: ${DEFAULT-VALUE}).")
    String shape;

    @Mixin
    ModelFolderOptions folders;

    @Option(names = "--modes", split = ",", defaultValue = "bf16,df11",
            description = "Which folders to serve, in order: bf16, df11 (default: ${DEFAULT-VALUE}).")
    List<String> modes;

    @Option(names = "--device", description = "TornadoVM device, B:D as --list-devices shows (default: TornadoVM's).")
    String device;

    @Option(names = "--list-devices", description = "List the TornadoVM devices and exit.")
    boolean listDevices;

    @Option(names = "--decode-mode", paramLabel = "auto|nibble|exact|fused", description = "How DF11 units are decoded, as"
            + " `df11 serve --backend tornado --decode-mode` takes it (default: the backend's, auto; each mode's"
            + " entry records what it resolved to).")
    String decodeMode;

    @Option(names = "--concurrency", split = ",", defaultValue = "1,4,16,64",
            description = "Concurrent clients per level (default: ${DEFAULT-VALUE}); the largest sizes the batch.")
    List<Integer> concurrency;

    @Option(names = "--tokens", defaultValue = "64", description = "Greedy tokens per request (default:"
            + " ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--requests", defaultValue = "2", description = "Timed requests per client, back to back"
            + " (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--context", defaultValue = "256", description = "Context length of each sequence slot"
            + " (default: ${DEFAULT-VALUE}).")
    int context;

    @Option(names = "--check-prompts", defaultValue = "" + SchedulerLoad.DEFAULT_CHECK_PROMPTS,
            description = "Distinct prompts run alone before the levels for the batch-invariance check, client 0's"
                    + " first (default: ${DEFAULT-VALUE}; with 2 requests, every prompt of clients 0 to 3, whom every"
                    + " level from 4 up has; 0 checks none). Each costs one generation at batch 1.")
    int checkPrompts;

    @Option(names = "--threads", description = "Host threads for writing, compressing and opening the models"
            + " (default: all).")
    Integer threads;

    @Option(names = "--profile", description = "Record each kernel's device time (TornadoVM's profiler) over each"
            + " concurrency level (its warm-up and timed rounds) and print where a scheduler step's device time goes."
            + " Turns CUDA graphs off, so the throughput of a profiled run is not the product's.")
    boolean profile;

    @Option(names = "--out", description = "JSON report file.")
    Path out;

    private final ObjectMapper json = new ObjectMapper();

    /** The scheduler of the mode being measured, for {@link #stopRunningLevel}; null between modes. */
    private volatile BatchScheduler running;

    public static void main(String[] args) {
        TornadoSettings.raiseDefaults();   // before anything starts TornadoVM
        System.exit(new CommandLine(new ServeBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopRunningLevel, "serve-bench-stop"));
        if (listDevices) {
            TornadoDevices.describeAll().forEach(System.out::println);
            return 0;
        }
        checkOptions();
        int hostThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        int maxBatch = concurrency.stream().mapToInt(Integer::intValue).max().orElseThrow();
        BenchModels models = folders.resolve(shape, hostThreads, System.err);

        ObjectNode report = json.createObjectNode();
        report.put("benchmark", "serve");
        if (!folders.given()) {
            report.put("shape", SyntheticShape.byId(shape).id());
        }
        report.put("model_bf16", models.bf16().toString());
        report.put("model_df11", models.df11().toString());
        report.put("device", device == null ? "default" : device);
        report.put("decode_mode", decodeMode != null ? decodeMode : TornadoBackendOptions.DEFAULT_DECODE_MODE.id());
        report.put("tuning_table", System.getProperty(KernelTuning.TABLE_PROPERTY, "bundled"));
        ArrayNode levels = report.putArray("concurrency");
        concurrency.forEach(levels::add);
        report.put("tokens_per_request", tokens);
        report.put("requests_per_client", requests);
        report.put("context", context);
        report.put("max_batch", maxBatch);
        report.put("host_threads", hostThreads);
        report.put("check_prompts", checkPrompts);
        report.put("profiled", profile);
        ArrayNode results = report.putArray("modes");

        System.out.printf(Locale.ROOT, "serve-bench: %d tokens per request, %d requests per client, context %d,"
                + " max batch %d, device %s, decode mode %s%n", tokens, requests, context, maxBatch,
                device == null ? "default" : device, report.get("decode_mode").asText());
        System.out.println(SchedulerLoad.tableHeader());
        List<String> notes = new ArrayList<>();
        int mismatches = 0;
        report.put("complete", false);
        for (String id : modes) {
            String mode = id.trim();
            Path dir = mode.equals("bf16") ? models.bf16() : models.df11();
            System.err.printf("%s: loading %s, compiling, running the prompts alone ...%n", mode, dir);
            ObjectNode node = results.addObject();
            mismatches += runMode(mode, dir, maxBatch, hostThreads, checkPrompts, node, notes, report);
            write(report);   // a later mode that fails leaves the finished ones on disk, marked incomplete
        }
        report.put("batch_invariant", mismatches == 0);
        report.put("complete", true);
        notes.forEach(System.out::println);
        write(report);
        if (out != null) {
            System.out.println("wrote " + out);
        }
        if (mismatches > 0) {
            System.out.println("FAILED: " + mismatches + " requests generated other tokens than their prompt alone");
            return 2;
        }
        return 0;
    }

    private void write(ObjectNode report) throws IOException {
        if (out == null) {
            return;
        }
        if (out.toAbsolutePath().getParent() != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
        }
        json.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), report);
    }

    /** Refuses bad options before anything is written or loaded, naming the option. */
    private void checkOptions() {
        folders.check(shape);
        for (String id : modes) {
            if (!id.trim().equals("bf16") && !id.trim().equals("df11")) {
                throw new IllegalArgumentException("--modes: unknown mode '" + id.trim() + "'; known: bf16, df11");
            }
        }
        if (modes.isEmpty()) {
            throw new IllegalArgumentException("--modes: give bf16, df11 or both");
        }
        if (decodeMode != null) {
            try {
                DecodeMode.parse(decodeMode);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--decode-mode: " + e.getMessage(), e);
            }
        }
        for (int c : concurrency) {
            if (c < 1 || c > 4096) {
                throw new IllegalArgumentException("--concurrency " + c + " is out of range: give 1 to 4096");
            }
        }
        if (tokens < 1 || requests < 1) {
            throw new IllegalArgumentException("--tokens and --requests must be at least 1");
        }
        if (context < SchedulerLoad.LONGEST_PROMPT + tokens) {
            throw new IllegalArgumentException("--context " + context + " does not hold a prompt of up to "
                    + SchedulerLoad.LONGEST_PROMPT + " tokens and --tokens " + tokens + ": give at least "
                    + (SchedulerLoad.LONGEST_PROMPT + tokens));
        }
        if (checkPrompts < 0) {
            throw new IllegalArgumentException("--check-prompts must be 0 or more");
        }
        if (threads != null && threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1");
        }
    }

    /** Loads one folder, runs the levels into {@code node}; returns the requests that broke batch invariance. */
    private int runMode(String mode, Path dir, int maxBatch, int hostThreads, int checks, ObjectNode node,
            List<String> notes, ObjectNode report) throws Exception {
        node.put("mode", mode);
        node.put("model", dir.toString());
        long loadStart = System.nanoTime();
        ServingEngine.Options options = new ServingEngine.Options(dir, "tornado", device, hostThreads, false,
                decodeMode, context, maxBatch, 1 << 16, 0);
        try (ServingEngine engine = profile ? ServingEngine.open(options, this::profiledBackend)
                : ServingEngine.open(options)) {
            node.put("load_seconds", (System.nanoTime() - loadStart) / 1e9);
            node.put("summary", engine.summary());
            node.put("scheduler_max_batch", engine.scheduler().maxBatch());
            running = engine.scheduler();
            if (engine.forward().backend() instanceof TornadoBackend tornado) {
                if (mode.equals("df11")) {
                    node.put("decode_mode", tornado.decodeMode().id());   // what "auto" resolved to
                }
                if (!report.has("device_name")) {
                    report.put("device_name", TornadoDevices.describe(tornado.device() != null ? tornado.device()
                            : TornadoExecutionPlan.DEFAULT_DEVICE));
                }
                notes.add(mode + ": " + memory(tornado, node.putObject("device_memory")));
            }
            if (engine.scheduler().maxBatch() < maxBatch) {
                notes.add(mode + ": only " + engine.scheduler().maxBatch() + " sequences run at once (the device"
                        + " holds no more slots): higher concurrencies queue");
            }
            SchedulerLoad load = new SchedulerLoad(engine.scheduler(), tokens,
                    engine.forward().weights().config().vocabSize());
            long aloneStart = System.nanoTime();
            int recorded = load.recordAlone(maxBatch, requests, checks);
            node.put("prompts_run_alone", recorded);
            // Their greedy tokens, for comparing runs (another tuning table, another backend) after the fact.
            ArrayNode aloneTokens = node.putArray("tokens_alone");
            load.tokensAlone().forEach((prompt, generated) -> {
                ObjectNode entry = aloneTokens.addObject();
                prompt.forEach(entry.putArray("prompt")::add);
                generated.forEach(entry.putArray("tokens")::add);
            });
            node.put("alone_seconds", (System.nanoTime() - aloneStart) / 1e9);
            ArrayNode levels = node.putArray("levels");
            int checked = 0;
            int mismatches = 0;
            ForwardProfile steps = profile ? ((TornadoBackend) engine.forward().backend()).profile() : null;
            for (int c : concurrency) {
                System.err.printf("%s: concurrency %d ...%n", mode, c);
                if (steps != null) {
                    steps.reset();
                }
                SchedulerLoad.Result r = load.level(c, requests);
                System.out.println(SchedulerLoad.tableRow(dir.getFileName().toString(), r));
                ObjectNode level = toJson(r, node);
                if (steps != null) {
                    ProfileReport.print(mode + " at concurrency " + c, "step", steps, System.out);
                    level.set("profile", ProfileReport.toJson("step", steps, json));
                }
                System.out.flush();
                levels.add(level);
                write(report);   // a run stopped later keeps this level (complete: false)
                checked += r.checked();
                mismatches += r.mismatches();
                r.examples().forEach(e -> notes.add("  " + mode + " differs: " + e));
            }
            node.put("requests_checked", checked);
            node.put("requests_differing", mismatches);
            notes.add(String.format(Locale.ROOT, "%s: batch invariance: %d prompts run alone first; %d requests"
                    + " compared, %d differ", mode, recorded, checked, mismatches));
            return mismatches;
        } finally {
            running = null;
        }
    }

    /**
     * The shutdown hook (SIGTERM: a time limit, Ctrl-C): stops the running scheduler after its current step, so that
     * the JVM does not exit while the batch thread is inside the device driver, which crashed it in libcuda
     * (benchmarks/results/gpu/h100-2026-12-07-serving). The report on disk keeps the levels that finished, marked
     * {@code complete: false}.
     */
    private void stopRunningLevel() {
        BatchScheduler scheduler = running;
        if (scheduler == null) {
            return;
        }
        System.err.println("serve-bench: stopped before the end; the running level ends after its current step"
                + (out != null ? " (" + out + " keeps the levels that finished, complete: false)" : ""));
        scheduler.shutdown(Duration.ZERO);
    }

    /** The backend {@code df11 serve} would make, with its kernels profiled (and so without CUDA graphs). */
    private TornadoBackend profiledBackend() {
        return TornadoBackendProvider.create(device, decodeMode, o -> o.withCudaGraphs(false).withProfile(true));
    }

    /** The backend's device bytes by part, into {@code node}; one line for the console. */
    private String memory(TornadoBackend tornado, ObjectNode node) {
        long kv = tornado.sequenceCacheBytes(context) * tornado.maxSequences();
        long working = tornado.workingBytes();
        long decode = tornado.decodeBufferBytes();
        long weights = tornado.deviceBytes() - decode - working;
        long activations = working - kv;
        node.put("total_bytes", tornado.deviceBytes());
        node.put("weights_bytes", weights);
        node.put("decode_buffer_bytes", decode);
        node.put("fused_index_bytes", tornado.fusedIndexBytes());
        node.put("nibble_layout_bytes", tornado.nibbleLayoutBytes());
        node.put("kv_cache_bytes", kv);
        node.put("kv_slots", tornado.maxSequences());
        node.put("activations_bytes", activations);
        OptionalLong process = GpuMemoryProbe.processBytes();
        process.ifPresent(b -> node.put("nvidia_smi_process_bytes", b));
        return String.format(Locale.ROOT, "device memory (backend's accounting): weights %.1f MiB, decode buffer"
                        + " %.1f MiB, KV cache %.1f MiB (%d slots), activations %.1f MiB, total %.1f MiB%s",
                mib(weights), mib(decode), mib(kv), tornado.maxSequences(), mib(activations),
                mib(tornado.deviceBytes()), process.isPresent()
                        ? String.format(Locale.ROOT, "; nvidia-smi: %.0f MiB", mib(process.getAsLong())) : "");
    }

    private static double mib(long bytes) {
        return bytes / 1048576.0;
    }

    private static ObjectNode toJson(SchedulerLoad.Result r, ObjectNode parent) {
        ObjectNode level = parent.objectNode();
        level.put("concurrency", r.clients());
        level.put("tokens_per_second", r.tokensPerSecond());
        level.put("tokens", r.tokens());
        level.put("requests", r.requests());
        level.put("wall_seconds", r.wallSeconds());
        level.put("ttft_ms_p50", r.ttftMillis(0.5));
        level.put("ttft_ms_p90", r.ttftMillis(0.9));
        level.put("ttft_ms_p99", r.ttftMillis(0.99));
        level.put("token_gap_ms_p50", r.gapMillis(0.5));
        level.put("token_gap_ms_p90", r.gapMillis(0.9));
        level.put("token_gap_ms_p99", r.gapMillis(0.99));
        ObjectNode check = level.putObject("invariance");
        check.put("requests_checked", r.checked());
        check.put("requests_differing", r.mismatches());
        check.put("passed", r.mismatches() == 0);
        ArrayNode examples = check.putArray("examples");
        r.examples().forEach(examples::add);
        return level;
    }
}
