package dev.df11.lab.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.df11.runtime.inference.ForwardPass;
import dev.df11.runtime.synthetic.SyntheticDf11Weights;
import dev.df11.runtime.synthetic.SyntheticShape;
import dev.df11.runtime.weights.WeightStore;
import dev.df11.runtime.weights.WeightStores;
import dev.df11.tornado.backend.TornadoSettings;
import dev.df11.tornado.backend.TornadoBackend;
import dev.df11.tornado.backend.TornadoBackendOptions;
import dev.df11.tornado.device.TornadoDevices;
import dev.df11.tornado.forward.ForwardProfile;
import dev.df11.tornado.forward.KernelTuning;
import dev.df11.tornado.forward.weights.Bf16Placement;
import dev.df11.tornado.forward.weights.DecodeMode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.common.TornadoDevice;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

/**
 * End-to-end generation on a TornadoVM device, batch 1, for the three ways of holding a model's weights:
 * <ul>
 * <li>{@code bf16-device}: BF16 resident in device memory (the fast baseline, the most memory);</li>
 * <li>{@code df11-device}: DF11 resident in device memory, each block's unit decoded into one shared BF16 buffer
 * right before the block runs (what DFloat11 offers: ~70% of the memory, some decode time per token);</li>
 * <li>{@code bf16-host}: BF16 in host memory, each block's weights copied to the device when it runs (the offloading
 * baseline DF11 is meant to beat).</li>
 * </ul>
 * A synthetic Llama-shaped model ({@code --shape}) is written and compressed once into {@code --work-dir}. Each mode:
 * load and compile, untimed warm-up generations (the first also uploads the weights), then timed runs of
 * {@code --tokens} greedy tokens after a short prompt; tokens/s as median and range over the runs, per-token latency
 * quantiles, device memory (this backend's own accounting, plus nvidia-smi where there is one). The greedy tokens of
 * every mode are compared: DF11 is lossless, so all modes must generate the same tokens. Prints a table and writes
 * JSON.
 *
 * <pre>
 * DF11_MAIN=dev.df11.tornado.bench.GenerateBenchmark bin/df11 --shape llama-3.1-8b --out results/generate.json
 * </pre>
 */
@Command(name = "generate-bench", mixinStandardHelpOptions = true,
        description = "Tokens/s and device memory of BF16-resident, DF11-resident and BF16-offloaded generation.")
public final class GenerateBenchmark implements Callable<Integer> {

    /** How the weights are held. */
    enum Mode {
        BF16_DEVICE("bf16-device", "BF16 resident on the device"),
        DF11_DEVICE("df11-device", "DF11 resident, each block decoded into a buffer first (exact)"),
        DF11_FUSED("df11-fused", "DF11 resident, decoded inside the products (fused)"),
        DF11_NIBBLE("df11-nibble", "DF11 re-coded at load as 4-bit exponent codes (nibble)"),
        BF16_HOST("bf16-host", "BF16 in host memory, copied per block");

        final String id;
        final String description;

        Mode(String id, String description) {
            this.id = id;
            this.description = description;
        }

        static Mode parse(String id) {
            return Arrays.stream(values()).filter(m -> m.id.equals(id)).findFirst().orElseThrow(
                    () -> new IllegalArgumentException("unknown mode '" + id + "'; known: bf16-device, df11-device,"
                            + " df11-fused, df11-nibble, bf16-host"));
        }
    }

    @Option(names = "--shape", defaultValue = "llama-3.2-1b",
            description = "Synthetic model shape: llama-3.2-1b, llama-3.1-8b, llama-44b or tiny (default: ${DEFAULT-VALUE}).")
    String shape;

    @Mixin
    ModelFolderOptions folders;

    @Option(names = "--in-memory", description = "Make the DF11 model of --shape in memory instead of writing"
            + " folders: each unit's deterministic weights synthesized and compressed (all cores) as the store opens,"
            + " no BF16 copy kept, nothing written to disk (for llama-44b: 88 GB of BF16 would not fit a 64 GB disk)."
            + " df11-device mode only; raise the heap (DF11_HEAP) for large shapes, see --distinct-layers.")
    boolean inMemory;

    @Option(names = "--distinct-layers", description = "With --in-memory: layers synthesized separately; layer l"
            + " reuses layer l mod N's compressed arrays on the host (each layer still gets its own device arrays)."
            + " Default: as many as fit 60%% of the heap (all layers when they do).")
    Integer distinctLayers;

    @Option(names = "--modes", split = ",", defaultValue = "bf16-device,df11-device,bf16-host",
            description = "Modes to run, in order, except that bf16-host runs first (default: ${DEFAULT-VALUE}):"
                    + " bf16-device, df11-device (exact), df11-fused, df11-nibble, bf16-host. For clean peak-memory"
                    + " numbers run one mode per process.")
    List<String> modes;

    @Option(names = "--device", description = "TornadoVM device, B:D as --list-devices shows (default: TornadoVM's).")
    String device;

    @Option(names = "--list-devices", description = "List the TornadoVM devices and exit.")
    boolean listDevices;

    @Option(names = "--prompt-tokens", defaultValue = "8", description = "Prompt length (default: ${DEFAULT-VALUE}).")
    int promptTokens;

    @Option(names = "--tokens", defaultValue = "64", description = "Timed tokens per run (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--warmup", defaultValue = "2", description = "Untimed runs per mode (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--runs", defaultValue = "5", description = "Timed runs per mode (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--context", defaultValue = "1024", description = "KV cache positions (default: ${DEFAULT-VALUE}).")
    int context;

    @Option(names = "--cuda-graphs", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Replay graphs as CUDA graphs on the PTX backend (default: on; --no-cuda-graphs for plain"
                    + " launches, which --profile needs to see each kernel).")
    boolean cudaGraphs;

    @Option(names = "--layers-per-graph", defaultValue = "" + TornadoBackendOptions.DEFAULT_LAYERS_PER_GRAPH,
            description = "Decoder layers per TornadoVM task graph (default: ${DEFAULT-VALUE}; 1 is one graph per"
                    + " block).")
    int layersPerGraph;

    @Option(names = "--matvec-local",
            description = "Work-items per matrix-vector work-group for every product (default: by shape, see"
                    + " KernelTuning.matVecLaunch; giving this or --matvec-rows turns the rule off).")
    Integer matVecLocal;

    @Option(names = "--matvec-rows",
            description = "Matrix rows per matrix-vector work-group for every product (default: by shape).")
    Integer matVecRows;

    @Option(names = "--profile", description = "Record each kernel's device time (TornadoVM's profiler) and print"
            + " where a token's time goes, by kernel kind. Synchronises after every kernel, so tokens/s measured"
            + " with it are not comparable with a plain run.")
    boolean profile;

    @Option(names = "--threads", description = "Host threads for synthesis and compression (default: all).")
    Integer threads;

    @Option(names = "--out", description = "JSON report file.")
    Path out;

    /** The in-memory model with --in-memory, else null. */
    private SyntheticDf11Weights memory;

    public static void main(String[] args) {
        TornadoSettings.raiseDefaults();   // before anything starts TornadoVM
        System.exit(new CommandLine(new GenerateBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (listDevices) {
            TornadoDevices.describeAll().forEach(System.out::println);
            return 0;
        }
        if (tokens < 1 || runs < 1 || warmup < 0 || promptTokens < 1 || promptTokens + tokens > context) {
            throw new IllegalArgumentException("need tokens >= 1, runs >= 1, warmup >= 0, prompt-tokens >= 1 and"
                    + " prompt-tokens + tokens <= context");
        }
        int hostThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (distinctLayers != null && !inMemory) {
            throw new IllegalArgumentException("--distinct-layers goes with --in-memory");
        }
        BenchModels models;
        if (inMemory) {
            memory = inMemoryWeights(hostThreads);
            models = null;
        } else {
            models = folders.resolve(shape, hostThreads, System.err);
        }
        TornadoDevice target = device == null ? null : TornadoDevices.select(device);
        ObjectMapper json = new ObjectMapper();
        ObjectNode report = json.createObjectNode();
        report.put("benchmark", "generate");
        if (memory != null) {
            report.put("shape", SyntheticShape.byId(shape).id());
            report.put("model_df11", memory.location());
            report.put("in_memory", true);
            report.put("distinct_layers", memory.distinctLayers());
            report.put("layers", memory.config().layerCount());
        } else {
            if (!folders.given()) {
                report.put("shape", SyntheticShape.byId(shape).id());
            }
            report.put("model_bf16", models.bf16().toString());
            report.put("model_df11", models.df11().toString());
        }
        report.put("device", target == null ? "default" : TornadoDevices.describe(target));
        report.put("prompt_tokens", promptTokens);
        report.put("tokens", tokens);
        report.put("warmup_runs", warmup);
        report.put("runs", runs);
        report.put("context", context);
        report.put("cuda_graphs", cudaGraphs && !profile);
        report.put("profiled", profile);
        report.put("layers_per_graph", layersPerGraph);
        KernelTuning tuning = tuning(target);
        report.put("tuning_family", tuning.family());
        report.put("tuning_table", System.getProperty(KernelTuning.TABLE_PROPERTY, "bundled"));
        report.put("matvec_launch", matVecLocal == null && matVecRows == null ? "by shape"
                : tuning.matVec() + ":" + tuning.matVecRows());
        report.put("decode_kernel", "v3f-exponent-plane");
        ArrayNode results = report.putArray("modes");

        List<ModeResult> measured = new ArrayList<>();
        for (Mode mode : runOrder(modes)) {
            System.err.printf("%s: loading, compiling, warming up ...%n", mode.id);
            ModeResult result = run(mode, models, target, hostThreads);
            measured.add(result);
            results.add(result.toJson(json));
            System.err.printf("%s: %.2f tokens/s (median of %d runs)%n", mode.id, result.tokensPerSecond(), runs);
        }
        if (memory != null) {
            report.put("synthesized_weights", memory.synthesizedWeights());
            report.put("synthesis_seconds", memory.synthesisSeconds());
        }
        boolean agree = measured.stream().allMatch(r -> Arrays.equals(r.tokens, measured.get(0).tokens));
        report.put("greedy_tokens_agree", agree);
        print(measured, agree);
        if (out != null) {
            if (out.toAbsolutePath().getParent() != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
            }
            json.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), report);
            System.out.println("wrote " + out);
        }
        return agree ? 0 : 2;
    }

    /**
     * The modes in the order given, except that {@code bf16-host} runs first: after resident modes in the same
     * process, TornadoVM 5.2's PTX backend failed its first per-block upload (H100, 2026-12-07: {@code cuMemAlloc}
     * error 208, then CUDA error 700), while first in its process it runs.
     */
    static List<Mode> runOrder(List<String> ids) {
        List<Mode> order = new ArrayList<>();
        for (String id : ids) {
            Mode mode = Mode.parse(id.trim());
            if (mode == Mode.BF16_HOST) {
                order.add(0, mode);
            } else {
                order.add(mode);
            }
        }
        if (!order.isEmpty() && order.get(0) == Mode.BF16_HOST && !ids.get(0).trim().equals(Mode.BF16_HOST.id)) {
            System.err.println("bf16-host runs first (it fails on PTX after resident modes in one process)");
        }
        return order;
    }

    /** The tuning table's sizes for the device, or fixed matrix-vector launches where the user gave them. */
    private KernelTuning tuning(TornadoDevice target) {
        TornadoDevice device = target != null ? target : TornadoExecutionPlan.DEFAULT_DEVICE;
        KernelTuning gpu = KernelTuning.forDevice(device.getPhysicalDevice().getDeviceName());
        if (matVecLocal == null && matVecRows == null) {
            return gpu;
        }
        return gpu.withMatVec(matVecLocal != null ? matVecLocal : gpu.matVec(),
                matVecRows != null ? matVecRows : gpu.matVecRows());
    }

    /**
     * The in-memory DF11 model of {@code --shape} (nothing made yet), after checking the options and that its units
     * fit the heap.
     */
    private SyntheticDf11Weights inMemoryWeights(int hostThreads) {
        if (folders.given()) {
            throw new IllegalArgumentException("--in-memory makes the model of --shape; it does not read --bf16/--df11");
        }
        for (String id : modes) {
            Mode mode = Mode.parse(id.trim());
            if (mode == Mode.BF16_DEVICE || mode == Mode.BF16_HOST) {
                throw new IllegalArgumentException("--in-memory makes DF11 weights only: run it with --modes"
                        + " df11-device (mode " + id.trim() + " needs BF16 folders; the BF16 offload baseline of a"
                        + " model that does not fit is benchmarks/gpu/torch_offload_peer.py)");
            }
        }
        return BenchModels.inMemory(shape, distinctLayers, hostThreads, System.err);
    }

    private ModeResult run(Mode mode, BenchModels models, TornadoDevice target, int hostThreads) throws IOException {
        boolean df11 = mode != Mode.BF16_DEVICE && mode != Mode.BF16_HOST;
        WeightStore store;
        if (memory != null) {
            store = memory.store();
        } else {
            Path dir = df11 ? models.df11() : models.bf16();
            store = WeightStores.open(dir, new WeightStores.Df11Options(hostThreads));
        }
        TornadoBackendOptions options = TornadoBackendOptions.defaults()
                .withPlacement(mode == Mode.BF16_HOST ? Bf16Placement.HOST : Bf16Placement.DEVICE)
                .withCudaGraphs(cudaGraphs && !profile)
                .withLayersPerGraph(layersPerGraph)
                .withProfile(profile)
                .withTuning(tuning(target))
                .withDecodeMode(switch (mode) {
                    case DF11_FUSED -> DecodeMode.FUSED;
                    case DF11_NIBBLE -> DecodeMode.NIBBLE;
                    default -> DecodeMode.EXACT;
                });
        TornadoBackend backend = new TornadoBackend(options, target);
        long start = System.nanoTime();
        try (ForwardPass forward = new ForwardPass(backend, store, context, 1)) {
            ModeResult result = new ModeResult(mode);
            result.loadNanos = System.nanoTime() - start;
            int vocab = store.config().vocabSize();
            for (int w = 0; w < warmup; w++) {
                long t = System.nanoTime();
                generate(forward, vocab, null);
                if (w == 0) {
                    result.firstRunNanos = System.nanoTime() - t;
                }
            }
            if (profile) {
                backend.profile().reset();
            }
            result.processBytes = GpuMemoryProbe.processBytes();
            result.deviceUsedBytes = GpuMemoryProbe.deviceUsedBytes(0);
            long[] runNanos = new long[runs];
            long[] stepNanos = new long[runs * tokens];
            for (int r = 0; r < runs; r++) {
                long[] steps = new long[tokens];
                int[] generated = generate(forward, vocab, steps);
                runNanos[r] = Arrays.stream(steps).sum();
                System.arraycopy(steps, 0, stepNanos, r * tokens, tokens);
                if (r == 0) {
                    result.tokens = generated;
                }
            }
            result.runs = new Timings(mode.id + " run", runNanos);
            result.steps = new Timings(mode.id + " token", stepNanos);
            result.deviceBytes = backend.deviceBytes();
            result.decodeBufferBytes = backend.decodeBufferBytes();
            result.fusedIndexBytes = backend.fusedIndexBytes();
            result.nibbleLayoutBytes = backend.nibbleLayoutBytes();
            result.workingBytes = backend.workingBytes();
            result.storeKind = store.kind();
            result.layersPerGraph = backend.layersPerGraph();
            if (profile) {
                result.profile = backend.profile();
                ProfileReport.print(mode.id, "token", result.profile, System.out);
            }
            return result;
        }
    }

    /**
     * The prompt (fixed token ids) one token per step, then {@code tokens} greedy tokens; returns those tokens and,
     * when {@code stepNanos} is given, the time of each generated token's step (argmax, then the forward pass that
     * feeds it back, as generation goes on). The prompt is not timed: tokens/s is the decode rate.
     */
    private int[] generate(ForwardPass forward, int vocab, long[] stepNanos) {
        float[] logits = null;
        for (int p = 0; p < promptTokens; p++) {
            logits = forward.forward(new int[] {(1 + 7919 * p) % vocab}, p);
        }
        int[] generated = new int[tokens];
        int position = promptTokens;
        for (int i = 0; i < tokens; i++) {
            long t = System.nanoTime();
            int token = argmax(logits);
            generated[i] = token;
            logits = forward.forward(new int[] {token}, position++);
            if (stepNanos != null) {
                stepNanos[i] = System.nanoTime() - t;
            }
        }
        return generated;
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    private void print(List<ModeResult> measured, boolean agree) {
        System.out.printf(Locale.ROOT, "%-12s %-36s %10s %21s %9s %9s %12s %12s %9s%n", "mode", "weights",
                "tok/s", "range (min..max)", "ms p50", "ms p90", "device MiB", "nvidia MiB", "load s");
        for (ModeResult r : measured) {
            System.out.printf(Locale.ROOT, "%-12s %-36s %10.2f %10.2f..%-10.2f %9.2f %9.2f %12.1f %12s %9.1f%n",
                    r.mode.id, r.mode.description, r.tokensPerSecond(), r.tokensPerSecond(r.runs.max()),
                    r.tokensPerSecond(r.runs.min()), r.steps.median() / 1e6, r.steps.quantile(0.9) / 1e6,
                    r.deviceBytes / 1048576.0, mib(r.processBytes.isPresent() ? r.processBytes : r.deviceUsedBytes),
                    r.loadNanos / 1e9);
        }
        System.out.println("greedy tokens agree across modes: " + agree);
    }

    private static String mib(OptionalLong bytes) {
        return bytes.isPresent() ? String.format(Locale.ROOT, "%.0f", bytes.getAsLong() / 1048576.0) : "-";
    }

    /** What one mode measured. */
    private final class ModeResult {
        final Mode mode;
        long loadNanos;
        long firstRunNanos;
        Timings runs;
        Timings steps;
        int[] tokens;
        long deviceBytes;
        long decodeBufferBytes;
        long fusedIndexBytes;
        long nibbleLayoutBytes;
        long workingBytes;
        OptionalLong processBytes = OptionalLong.empty();
        OptionalLong deviceUsedBytes = OptionalLong.empty();
        String storeKind;
        ForwardProfile profile;
        int layersPerGraph;

        ModeResult(Mode mode) {
            this.mode = mode;
        }

        /** Tokens per second of the median run. */
        double tokensPerSecond() {
            return tokensPerSecond(runs.median());
        }

        double tokensPerSecond(double runNanos) {
            return GenerateBenchmark.this.tokens / (runNanos / 1e9);
        }

        ObjectNode toJson(ObjectMapper json) {
            ObjectNode node = json.createObjectNode();
            node.put("mode", mode.id);
            node.put("description", mode.description);
            node.put("weights", storeKind);
            node.put("layers_per_graph_used", layersPerGraph);
            node.put("tokens_per_second_median", tokensPerSecond());
            node.put("tokens_per_second_min", tokensPerSecond(runs.max()));
            node.put("tokens_per_second_max", tokensPerSecond(runs.min()));
            ArrayNode each = node.putArray("run_seconds");
            for (long n : runs.nanos()) {
                each.add(n / 1e9);
            }
            node.put("ms_per_token_p50", steps.median() / 1e6);
            node.put("ms_per_token_p90", steps.quantile(0.9) / 1e6);
            node.put("ms_per_token_max", steps.max() / 1e6);
            node.put("load_seconds", loadNanos / 1e9);
            node.put("first_run_seconds", firstRunNanos / 1e9);
            node.put("device_bytes_accounted", deviceBytes);
            node.put("decode_buffer_bytes", decodeBufferBytes);
            node.put("fused_index_bytes", fusedIndexBytes);
            node.put("nibble_layout_bytes", nibbleLayoutBytes);
            node.put("activations_and_kv_bytes", workingBytes);
            if (processBytes.isPresent()) {
                node.put("nvidia_smi_process_bytes", processBytes.getAsLong());
            }
            if (deviceUsedBytes.isPresent()) {
                node.put("nvidia_smi_gpu0_used_bytes", deviceUsedBytes.getAsLong());
            }
            if (profile != null) {
                node.set("profile", ProfileReport.toJson("token", profile, json));
            }
            ArrayNode generated = node.putArray("greedy_tokens");
            for (int token : this.tokens) {
                generated.add(token);
            }
            return node;
        }
    }
}
