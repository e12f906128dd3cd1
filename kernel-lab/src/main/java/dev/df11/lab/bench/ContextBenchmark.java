package dev.df11.lab.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.df11.runtime.inference.ForwardPass;
import dev.df11.runtime.model.ModelConfig;
import dev.df11.runtime.synthetic.SyntheticDf11Weights;
import dev.df11.runtime.synthetic.SyntheticShape;
import dev.df11.runtime.weights.WeightStore;
import dev.df11.runtime.weights.WeightStores;
import dev.df11.tornado.backend.TornadoBackend;
import dev.df11.tornado.backend.TornadoBackendOptions;
import dev.df11.tornado.backend.TornadoSettings;
import dev.df11.tornado.device.TornadoDevices;
import dev.df11.tornado.forward.Activations;
import dev.df11.tornado.forward.ForwardShape;
import dev.df11.tornado.forward.weights.Bf16Placement;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.common.TornadoDevice;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

/**
 * The longest context whose KV cache fits on the device beside the weights, per way of holding them (BF16 resident,
 * DF11 resident), measured by allocating and running (issue 14 item 4). Per mode: a probe load at
 * {@code --probe-context} runs one step (which moves the weights to the device) and gives the device memory by part
 * and the bytes each more position costs (KV cache and the context-sized activations); the free memory after it
 * (nvidia-smi's, or {@code --device-memory-budget} less what the backend allocated) gives a candidate context; the
 * model is loaded again with that context and runs steps at its last position (timed). A candidate that fails to
 * load or run is lowered by a tenth, at most {@code --tries} times. Then one {@code --granularity} more is tried and
 * shown to fail (with a budget: by the backend's accounting, not run). TornadoVM cannot grow a loaded model's KV cache,
 * so each try is a load of its own (weights copied again; the in-memory DF11 model is made once).
 *
 * <pre>
 * bin/context-bench --shape llama-3.1-8b --work-dir /data/bench --out results/context-8b.json
 * bin/context-bench --shape llama-44b --in-memory --modes df11-device --out results/context-44b.json
 * </pre>
 */
@Command(name = "context-bench", mixinStandardHelpOptions = true,
        description = "Longest context that fits on the device beside BF16 or DF11 weights, found by loading and running.")
public final class ContextBenchmark implements Callable<Integer> {

    /** How the weights are held (the two resident modes of generate-bench). */
    enum Mode {
        BF16_DEVICE("bf16-device", "BF16"),
        DF11_DEVICE("df11-device", "DF11");

        final String id;
        final String weights;

        Mode(String id, String weights) {
            this.id = id;
            this.weights = weights;
        }

        static Mode parse(String id) {
            for (Mode mode : values()) {
                if (mode.id.equals(id.trim())) {
                    return mode;
                }
            }
            throw new IllegalArgumentException("--modes: unknown mode '" + id + "'; known: bf16-device, df11-device");
        }
    }

    @Option(names = "--shape", defaultValue = "llama-3.1-8b",
            description = "Synthetic model shape: llama-3.2-1b, llama-3.1-8b, llama-44b or tiny (default: ${DEFAULT-VALUE}).")
    String shape;

    @Option(names = "--work-dir", defaultValue = "bench-models",
            description = "Where the synthetic BF16 and DF11 folders are written once (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--in-memory", description = "Make the DF11 model in memory (see generate-bench --in-memory);"
            + " df11-device mode only.")
    boolean inMemory;

    @Option(names = "--distinct-layers", description = "With --in-memory: layers synthesized separately (default:"
            + " as many as fit 60%% of the heap).")
    Integer distinctLayers;

    @Option(names = "--modes", split = ",", defaultValue = "bf16-device,df11-device",
            description = "Modes, in order (default: ${DEFAULT-VALUE}).")
    List<String> modes;

    @Option(names = "--device", description = "TornadoVM device, B:D as generate-bench --list-devices shows.")
    String device;

    @Option(names = "--device-memory-budget", converter = SizeConverter.class,
            description = "Treat the device as having this much memory (e.g. 2GB, 512MB, bytes): the search then uses"
                    + " the backend's own accounting instead of the device's free memory (for tests on the CPU, and"
                    + " for a fixed budget on a GPU).")
    Long budget;

    @Option(names = "--reserve", converter = SizeConverter.class, defaultValue = "512MB",
            description = "Device memory left free for what the accounting does not see (TornadoVM's own buffers,"
                    + " the driver) when the free memory comes from the device (default: ${DEFAULT-VALUE}; not used"
                    + " with --device-memory-budget).")
    long reserve;

    @Option(names = "--probe-context", defaultValue = "1024",
            description = "Context of the probe load (default: ${DEFAULT-VALUE}).")
    int probeContext;

    @Option(names = "--max-context", defaultValue = "0",
            description = "Largest context to try (default: 0, no limit but the backend's int indexing; the model's"
                    + " max_position_embeddings is not a limit here: what is measured is memory).")
    int maxContext;

    @Option(names = "--granularity", defaultValue = "256",
            description = "Candidates are multiples of this many positions (default: ${DEFAULT-VALUE}).")
    int granularity;

    @Option(names = "--steps", defaultValue = "3",
            description = "Timed steps at the last position, after one untimed (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--tries", defaultValue = "3",
            description = "Candidates tried before giving up (default: ${DEFAULT-VALUE}).")
    int tries;

    @Option(names = "--show-larger", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also try one --granularity more and record that it fails (default: on).")
    boolean showLarger;

    @Option(names = "--layers-per-graph", defaultValue = "" + TornadoBackendOptions.DEFAULT_LAYERS_PER_GRAPH,
            description = "Decoder layers per TornadoVM task graph (default: ${DEFAULT-VALUE}).")
    int layersPerGraph;

    @Option(names = "--cuda-graphs", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Replay graphs as CUDA graphs on the PTX backend (default: on).")
    boolean cudaGraphs;

    @Option(names = "--threads", description = "Host threads for synthesis and compression (default: all).")
    Integer threads;

    @Option(names = "--out", description = "JSON report file (the report's context-memory format).")
    Path out;

    public static void main(String[] args) {
        TornadoSettings.raiseDefaults();   // before anything starts TornadoVM
        System.exit(new CommandLine(new ContextBenchmark()).execute(args));
    }

    /** Device memory of one load, by part (the backend's accounting), and its step time at the last position. */
    record Load(int context, long weights, long decodeBuffer, long kvCache, long activations, OptionalLong nvidiaUsed,
                Timings steps) {
        long total() {
            return weights + decodeBuffer + kvCache + activations;
        }

        ObjectNode toJson(ObjectMapper json, String weightsKind) {
            ObjectNode node = json.createObjectNode();
            node.put("weights", weightsKind);
            node.put("context", context);
            node.put("device_bytes", total());
            node.put("weights_bytes", weights);
            node.put("decode_buffer_bytes", decodeBuffer);
            node.put("kv_cache_bytes", kvCache);
            node.put("activations_bytes", activations);
            nvidiaUsed.ifPresent(b -> node.put("nvidia_smi_gpu0_used_bytes", b));
            if (steps != null) {
                node.put("step_ms_median", steps.median() / 1e6);
                node.put("step_ms_min", steps.min() / 1e6);
                node.put("step_ms_max", steps.max() / 1e6);
            }
            return node;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (probeContext < 1 || granularity < 1 || steps < 1 || tries < 1 || maxContext < 0
                || (budget != null && budget < 1) || reserve < 0) {
            throw new IllegalArgumentException("need --probe-context, --granularity, --steps, --tries >= 1,"
                    + " --max-context >= 0, --reserve >= 0 and a positive --device-memory-budget");
        }
        if (distinctLayers != null && !inMemory) {
            throw new IllegalArgumentException("--distinct-layers goes with --in-memory");
        }
        int hostThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        List<Mode> order = modes.stream().map(Mode::parse).toList();
        SyntheticShape synthetic = SyntheticShape.byId(shape);
        SyntheticDf11Weights memory = null;
        BenchModels models = null;
        if (inMemory) {
            if (order.contains(Mode.BF16_DEVICE)) {
                throw new IllegalArgumentException("--in-memory makes DF11 weights only: use --modes df11-device");
            }
            memory = BenchModels.inMemory(shape, distinctLayers, hostThreads, System.err);
        } else {
            models = BenchModels.synthetic(shape, workDir, hostThreads, System.err);
        }
        TornadoDevice target = device == null ? null : TornadoDevices.select(device);
        TornadoDevice physical = target != null ? target : TornadoExecutionPlan.DEFAULT_DEVICE;
        ObjectMapper json = new ObjectMapper();
        report = json.createObjectNode();
        report.put("benchmark", "context-memory");
        report.put("device", TornadoDevices.describe(physical));
        report.put("shape", synthetic.id());
        if (memory != null) {
            report.put("in_memory", true);
            report.put("distinct_layers", memory.distinctLayers());
        }
        long deviceTotal = GpuMemoryProbe.deviceTotalBytes(0).orElse(
                physical.getPhysicalDevice().getDeviceGlobalMemorySize());
        report.put("budget_bytes", budget != null ? budget : deviceTotal);
        report.put("budget_source", budget != null ? "--device-memory-budget" : "device total memory");
        report.put("reserve_bytes", budget != null ? 0 : reserve);
        report.put("probe_context", probeContext);
        report.put("granularity", granularity);
        ArrayNode points = report.putArray("points");
        ObjectNode longest = report.putObject("longest_context");
        ArrayNode details = report.putArray("modes");
        for (Mode mode : order) {
            SyntheticDf11Weights inMem = memory;
            BenchModels folders = models;
            Opener opener = () -> inMem != null ? inMem.store()
                    : WeightStores.open(mode == Mode.DF11_DEVICE ? folders.df11() : folders.bf16(),
                    new WeightStores.Df11Options(hostThreads));
            ObjectNode detail = details.addObject();
            detail.put("mode", mode.id);
            int found = search(mode, opener, target, points, detail, json);
            longest.put(mode.weights, found);
            save();
            System.out.printf(Locale.ROOT, "%s: longest context %d%n", mode.id, found);
            print(mode, detail);
        }
        if (out != null) {
            System.out.println("wrote " + out);
        }
        return 0;
    }

    /** The loads of a mode, device memory by part in MiB. */
    private static void print(Mode mode, ObjectNode detail) {
        if (!detail.has("longest")) {
            System.out.println("  " + detail.path("result").asText());
            return;
        }
        printLoad(mode.id, detail.get("longest"));
        if (detail.has("one_granularity_more")) {
            System.out.println("  one granularity more (" + detail.get("one_granularity_more").get("context")
                    + "): " + (detail.get("one_granularity_more").get("fails").asBoolean() ? "fails" : "also ran")
                    + ", " + detail.get("one_granularity_more").get("how").asText());
        }
    }

    /** One line of device memory by part. */
    private static void printLoad(String mode, JsonNode load) {
        System.out.printf(Locale.ROOT, "  %-12s context %8d: weights %9.1f MiB, decode buffer %8.1f MiB, KV cache"
                        + " %9.1f MiB, activations %7.1f MiB, total %9.1f MiB; step %.2f ms (median)%n", mode,
                load.get("context").asInt(), mib(load, "weights_bytes"), mib(load, "decode_buffer_bytes"),
                mib(load, "kv_cache_bytes"), mib(load, "activations_bytes"), mib(load, "device_bytes"),
                load.path("step_ms_median").asDouble(Double.NaN));
    }

    private static double mib(JsonNode load, String field) {
        return load.get(field).asLong() / 1048576.0;
    }

    /** The report so far. */
    private ObjectNode report;

    /**
     * Writes the report as it stands (after every finished load, and before a load expected to fail), so a process
     * that dies while the device runs out of memory leaves what it measured.
     */
    private void save() throws IOException {
        if (out == null) {
            return;
        }
        if (out.toAbsolutePath().getParent() != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
        }
        Path partial = out.resolveSibling(out.getFileName() + ".tmp");
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(partial.toFile(), report);
        Files.move(partial, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Opens a fresh store for one load. */
    interface Opener {
        WeightStore open() throws IOException;
    }

    /** The longest context found for {@code mode} (0 when even the probe does not fit); fills points and detail. */
    private int search(Mode mode, Opener opener, TornadoDevice target, ArrayNode points, ObjectNode detail,
                       ObjectMapper json) throws IOException {
        ModelConfig config;
        try (WeightStore store = opener.open()) {
            config = store.config();
        }
        long perPosition = perPositionBytes(config);
        detail.put("bytes_per_position", perPosition);
        int probe = maxContext > 0 ? Math.min(probeContext, maxContext) : probeContext;
        Load probed;
        try {
            probed = load(mode, opener, target, probe, 0);
        } catch (RuntimeException | OutOfMemoryError e) {
            detail.put("result", "does not fit: the probe load at context " + probe + " failed: " + e);
            return 0;
        }
        if (budget != null && probed.total() > budget) {
            detail.put("result", String.format(Locale.ROOT, "does not fit: at the probe context %d the model takes"
                    + " %d bytes, the budget is %d", probe, probed.total(), budget));
            return 0;
        }
        points.add(probed.toJson(json, mode.weights));
        save();
        long free = budget != null ? budget - probed.total()
                : probed.nvidiaUsed().isPresent() ? deviceTotal(target) - probed.nvidiaUsed().getAsLong() - reserve
                : deviceTotal(target) - probed.total() - reserve;
        detail.put("free_bytes_after_probe", free);
        int candidate = roundDown(probe + Math.max(0, free) / perPosition);
        String failure = null;
        Load best = null;
        for (int attempt = 0; attempt < tries && candidate >= 1; attempt++) {
            try {
                if (budget != null && predictedBytes(probed, config, candidate) > budget) {
                    throw new IllegalStateException("context " + candidate + " exceeds the budget by the accounting");
                }
                best = load(mode, opener, target, candidate, steps);
                break;
            } catch (RuntimeException | OutOfMemoryError e) {
                failure = "context " + candidate + ": " + e;
                System.err.println(mode.id + ": " + failure + "; trying a tenth less");
                candidate = roundDown(candidate - Math.max(granularity, candidate / 10));
            }
        }
        if (best == null) {
            detail.put("result", "no candidate ran; last failure: " + failure);
            return probed.context();
        }
        points.add(best.toJson(json, mode.weights));
        ((ObjectNode) report.get("longest_context")).put(mode.weights, best.context());
        save();
        detail.set("longest", best.toJson(json, mode.weights));
        if (failure != null) {
            detail.put("failed_before", failure);
        }
        if (showLarger && (maxContext == 0 || best.context() + granularity <= maxContext)) {
            int larger = best.context() + granularity;
            ObjectNode next = detail.putObject("one_granularity_more");
            next.put("context", larger);
            if (budget != null) {
                long needed = predictedBytes(probed, config, larger);
                next.put("device_bytes_needed", needed);
                next.put("fails", needed > budget);
                next.put("how", "by the backend's accounting against --device-memory-budget (not run)");
            } else {
                next.put("fails", true);
                next.put("how", "the process ended while loading it (ran out of device memory)");
                save();
                try {
                    Load ran = load(mode, opener, target, larger, 1);
                    next.put("fails", false);
                    next.put("how", "loaded and ran: the candidate was not the longest (free memory was"
                            + " underestimated)");
                    points.add(ran.toJson(json, mode.weights));
                } catch (RuntimeException | OutOfMemoryError e) {
                    next.put("fails", true);
                    next.put("how", "loading or running failed: " + e);
                }
            }
        }
        return best.context();
    }

    private int roundDown(long context) {
        long capped = maxContext > 0 ? Math.min(context, maxContext) : Math.min(context, Integer.MAX_VALUE / 2);
        return (int) Math.max(0, capped / granularity * granularity);
    }

    private long deviceTotal(TornadoDevice target) {
        TornadoDevice physical = target != null ? target : TornadoExecutionPlan.DEFAULT_DEVICE;
        return GpuMemoryProbe.deviceTotalBytes(0).orElse(physical.getPhysicalDevice().getDeviceGlobalMemorySize());
    }

    /** KV cache (fp32 keys and values of every layer) and the context-sized activations, per position. */
    static long perPositionBytes(ModelConfig config) {
        long kv = 2L * config.layerCount() * config.kvDim() * Float.BYTES;
        int from = 1024;
        return kv + (activationBytes(config, from + 1024) - activationBytes(config, from)) / 1024;
    }

    private static long activationBytes(ModelConfig config, int context) {
        return new Activations(new ForwardShape(config, context, 1)).bytes();
    }

    /**
     * The backend's accounting at {@code context}, predicted from a probe load's: its weights and decode buffer (which
     * do not depend on the context) plus the KV cache and activations of that context.
     */
    private static long predictedBytes(Load probe, ModelConfig config, int context) {
        return probe.weights() + probe.decodeBuffer() + kvBytes(config, context) + activationBytes(config, context);
    }

    private static long kvBytes(ModelConfig config, int context) {
        return 2L * config.layerCount() * context * config.kvDim() * Float.BYTES;
    }

    /** Loads at {@code context}, runs one untimed and {@code timed} timed steps at the last position. */
    private Load load(Mode mode, Opener opener, TornadoDevice target, int context, int timed) throws IOException {
        releaseOffHeap();
        System.err.printf("%s: loading with context %d ...%n", mode.id, context);
        TornadoBackend backend = new TornadoBackend(TornadoBackendOptions.defaults()
                .withPlacement(Bf16Placement.DEVICE).withCudaGraphs(cudaGraphs).withLayersPerGraph(layersPerGraph),
                target);
        try (ForwardPass forward = new ForwardPass(backend, opener.open(), context, 1)) {
            int[] token = {1};
            forward.forward(token, context - 1);      // moves the weights, compiles
            long[] nanos = new long[Math.max(1, timed)];
            for (int i = 0; i < timed; i++) {
                long t = System.nanoTime();
                forward.forward(token, context - 1);
                nanos[i] = System.nanoTime() - t;
            }
            ModelConfig config = forward.weights().config();
            long kv = kvBytes(config, context);
            long activations = backend.workingBytes() - kv;
            long decode = backend.decodeBufferBytes();
            long weights = backend.deviceBytes() - decode - backend.workingBytes();
            return new Load(context, weights, decode, kv, activations, GpuMemoryProbe.deviceUsedBytes(0),
                    timed > 0 ? new Timings(mode.id + " step", nanos) : null);
        }
    }

    /** Off-heap bytes in use when the first load started. */
    private long offHeapBaseline = -1;

    /**
     * Waits until the previous load's off-heap arrays are gone. TornadoVM's host copies are freed by the garbage
     * collector's cleaners only once unreachable, while the backend checks the off-heap limit before it allocates
     * anything: without this, the second load of a large model would be refused for memory the first one no longer
     * uses.
     */
    private void releaseOffHeap() {
        long used = offHeapUsed();
        if (offHeapBaseline < 0) {
            offHeapBaseline = used;
            return;
        }
        for (int attempt = 1; attempt <= 20 && used > offHeapBaseline + (64L << 20); attempt++) {
            System.gc();
            try {
                Thread.sleep(50L * attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            used = offHeapUsed();
        }
    }

    private static long offHeapUsed() {
        for (java.lang.management.BufferPoolMXBean pool
                : java.lang.management.ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                return pool.getMemoryUsed();
            }
        }
        return 0;
    }

    /** Sizes like 2GB, 512MB, 64KiB or plain bytes. */
    static final class SizeConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String v = value.trim().toUpperCase(Locale.ROOT).replace("IB", "B");
            long unit = 1;
            for (String[] suffix : new String[][] {{"TB", "40"}, {"GB", "30"}, {"MB", "20"}, {"KB", "10"},
                    {"B", "0"}}) {
                if (v.endsWith(suffix[0])) {
                    unit = 1L << Integer.parseInt(suffix[1]);
                    v = v.substring(0, v.length() - suffix[0].length()).trim();
                    break;
                }
            }
            try {
                return Math.multiplyExact(Long.parseLong(v), unit);
            } catch (NumberFormatException | ArithmeticException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a size like 2GB, 512MB or a"
                        + " number of bytes");
            }
        }
    }
}
