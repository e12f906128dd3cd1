package dev.df11.bench.report;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.df11.bench.report.Figure.Suite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads the JSON result files the suites write, in the order given (a later file's figure replaces an earlier one's):
 * <ul>
 * <li>JMH's {@code -rf json} output of the CPU suites (an array of runs; median and min..max of the measured
 * iterations);</li>
 * <li>the kernel lab's {@code decode-bench}, {@code matvec-bench}, {@code generate-bench} and {@code serve-bench}
 * reports;</li>
 * <li>{@code benchmarks/gpu/official_decode_baseline.py}'s report (the official DFloat11 CUDA kernel);</li>
 * <li>{@code CodecSizes}' report ({@code "benchmark": "codec-sizes"});</li>
 * <li>a memory-against-context report ({@code "benchmark": "context-memory"}, see docs/benchmark-report.md);</li>
 * <li>the runner's {@code environment.json} ({@code "benchmark": "environment"}: machine, software, missing
 * backends).</li>
 * </ul>
 * A folder stands for its {@code *.json} files in name order. Anything else is an error that names the file.
 */
public final class ResultReader {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double GIB = 1024.0 * 1024 * 1024;

    private final ResultSet results = new ResultSet();

    /** Reads every input (files and folders) into one result set. */
    public static ResultSet read(List<Path> inputs) {
        ResultReader reader = new ResultReader();
        for (Path input : inputs) {
            for (Path file : expand(input)) {
                reader.readFile(file);
            }
        }
        return reader.results;
    }

    private static List<Path> expand(Path input) {
        if (Files.isDirectory(input)) {
            try (Stream<Path> files = Files.list(input)) {
                List<Path> json = files.filter(f -> f.getFileName().toString().endsWith(".json") && Files.isRegularFile(f))
                        .sorted().toList();
                if (json.isEmpty()) {
                    throw new ReportException(input + ": no .json result files in this folder");
                }
                return json;
            } catch (IOException e) {
                throw new ReportException(input + ": cannot list the folder: " + e.getMessage(), e);
            }
        }
        if (!Files.isRegularFile(input)) {
            throw new ReportException(input + ": no such result file or folder");
        }
        return List.of(input);
    }

    private void readFile(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (JacksonException e) {
            // Jackson's message carries a "[Source: ...]" location that says nothing here; the line number does.
            String why = e.getOriginalMessage().replaceAll(" ?\\(start marker at \\[Source:.*?\\]\\)", "");
            throw new ReportException(file + ": not valid JSON (" + why + " at line "
                    + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + ")", e);
        } catch (IOException e) {
            throw new ReportException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new ReportException(file + ": empty file, not a result file");
        }
        String name = file.getFileName().toString();
        Source src = new Source(file, name);
        results.source(name);
        if (root.isArray() && !root.isEmpty() && root.get(0).has("jmhVersion")) {
            readJmh(src, root);
        } else if (root.isObject() && root.has("official_decode")) {
            readOfficial(src, root);
        } else if (root.isObject() && root.has("benchmark")) {
            String kind = root.get("benchmark").asText();
            switch (kind) {
                case "generate" -> readGenerate(src, root);
                case "serve" -> readServe(src, root);
                case "matvec" -> readMatVec(src, root);
                case "decode" -> readDecode(src, root);
                case "codec-sizes" -> readCodecSizes(src, root);
                case "context-memory" -> readContextMemory(src, root);
                case "torch-step-peer" -> readTorchPeer(src, root, false);
                case "torch-offload-peer" -> readTorchPeer(src, root, true);
                case "environment" -> readEnvironment(src, root);
                default -> throw new ReportException(file + ": unknown \"benchmark\": \"" + kind + "\" (known: generate,"
                        + " matvec, decode, codec-sizes, context-memory, torch-step-peer, torch-offload-peer, environment)");
            }
        } else if (root.isObject() && root.has("kernels") && root.has("elements")) {
            readDecode(src, root);   // decode-bench writes no "benchmark" key
        } else {
            throw new ReportException(file + ": not a result file this report knows (expected JMH -rf json output,"
                    + " a decode-bench, matvec-bench or generate-bench report, the official baseline's report,"
                    + " codec-sizes, context-memory or environment JSON)");
        }
    }

    /** The file being read, for error messages that name it and the place inside it. */
    private record Source(Path file, String name) {

        ReportException error(String where, String what) {
            return new ReportException(file + ": " + where + " " + what);
        }

        JsonNode field(JsonNode node, String where, String field) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                throw error(where, "has no \"" + field + "\"");
            }
            return value;
        }

        double number(JsonNode node, String where, String field) {
            JsonNode value = field(node, where, field);
            if (!value.isNumber() || !Double.isFinite(value.asDouble())) {
                throw error(where, "\"" + field + "\" is not a finite number: " + value);
            }
            return value.asDouble();
        }

        String text(JsonNode node, String where, String field) {
            return field(node, where, field).asText();
        }

        JsonNode array(JsonNode node, String where, String field) {
            JsonNode value = field(node, where, field);
            if (!value.isArray() || value.isEmpty()) {
                throw error(where, "\"" + field + "\" is not a non-empty array");
            }
            return value;
        }
    }

    // ---- JMH (CPU suites) ----

    private void readJmh(Source src, JsonNode runs) {
        for (int i = 0; i < runs.size(); i++) {
            JsonNode run = runs.get(i);
            String where = "run [" + i + "]";
            String benchmark = src.text(run, where, "benchmark");
            where = where + " (" + benchmark + ")";
            JsonNode params = run.path("params");
            src.field(run, where, "primaryMetric");
            if (i == 0) {
                results.environment(src.name(), "JDK", run.path("jdkVersion").asText() + " ("
                        + run.path("vmName").asText() + " " + run.path("vmVersion").asText() + ")");
                results.environment(src.name(), "JMH", run.path("jmhVersion").asText());
                results.environment(src.name(), "JMH settings", run.path("forks").asText() + " fork(s), "
                        + run.path("warmupIterations").asText() + " warm-up + "
                        + run.path("measurementIterations").asText() + " measured iterations of "
                        + run.path("measurementTime").asText());
            }
            String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            String clazz = benchmark.substring(0, Math.max(0, benchmark.lastIndexOf('.')));
            clazz = clazz.substring(clazz.lastIndexOf('.') + 1);
            String threads = params.path("threads").asText("1");
            String cpu = cpuBackend(threads);
            switch (clazz + "." + method) {
                case "Df11DecodeBenchmark.decode" -> {
                    String data = params.path("data").asText("?");
                    Stats s = jmh(src, run, where, "bf16Bytes", 1e-9);
                    add(Suite.DECODE, cpu, "CPU decoder, " + data, "", s, "GB/s", 0, src);
                    add(Suite.CODEC_SPEED, cpu, data, "DF11 decode", s, "GB/s", 0, src);
                }
                case "ZstdBaselineBenchmark.decompress" -> add(Suite.CODEC_SPEED, cpuBackend("1"),
                        params.path("data").asText("?"), "zstd -" + params.path("level").asText("?") + " decompress",
                        jmh(src, run, where, "bf16Bytes", 1e-9), "GB/s", 0, src);
                case "Df11EncodeBenchmark.encode" -> add(Suite.CODEC_SPEED, cpu, params.path("data").asText("?"),
                        "DF11 encode", jmh(src, run, where, "weights", 1e-6), "M weights/s", 0, src);
                case "MatVecBandwidthBenchmark.matVec" -> add(Suite.MATVEC, cpu, params.path("shape").asText("?"),
                        "matrix-vector", jmh(src, run, where, "bytes", 1e-9), "GB/s", 0, src);
                case "MatVecBandwidthBenchmark.memoryRead" -> add(Suite.MATVEC, cpu,
                        params.path("shape").asText("?"), "plain memory read (ceiling)",
                        jmh(src, run, where, "bytes", 1e-9), "GB/s", 0, src);
                case "GenerationBenchmark.generate", "GenerationBenchmark.prompt" -> {
                    String model = params.path("model").asText("?");
                    String mode = cpuMode(model) + ("true".equals(params.path("prefetch").asText()) ? " (prefetch)" : "");
                    String shape = model.replaceFirst("-(bf16|df11)$", "");
                    Stats s = jmh(src, run, where, null, 1);
                    if (method.equals("generate")) {
                        add(Suite.GENERATION, cpu, shape, mode, s, "tokens/s", 1, src);
                        add(Suite.BATCH, cpu, shape, mode, s, "tokens/s", 1, src);
                        if (run.path("secondaryMetrics").has("residentWeightBytes")) {   // runs since 2026-12-06
                            add(Suite.MEMORY, cpu, shape + ", " + mode, "resident weights (with decode buffers)",
                                    jmh(src, run, where, "residentWeightBytes", 1 / GIB), "GiB", 0, src);
                        }
                    } else {
                        // 32 prompt tokens of one sequence in one forward pass (GenerationBenchmark.PROMPT_BATCH)
                        add(Suite.BATCH, cpu, shape, mode, s, "tokens/s", 32, src);
                    }
                }
                default -> add(Suite.OTHER, cpu, clazz + "." + method + " " + params, "",
                        jmh(src, run, where, null, 1), run.path("primaryMetric").path("scoreUnit").asText(), 0, src);
            }
        }
    }

    private static String cpuBackend(String threads) {
        return switch (threads) {
            case "0" -> "CPU, all cores";
            case "1" -> "CPU, 1 thread";
            default -> "CPU, " + threads + " threads";
        };
    }

    private static String cpuMode(String model) {
        if (model.endsWith("-bf16")) {
            return "BF16 resident";
        }
        if (model.endsWith("-df11")) {
            return "DF11 resident";
        }
        return model;
    }

    /** Median and min..max of a JMH metric's measured iterations, scaled; {@code secondary} null for the primary. */
    private static Stats jmh(Source src, JsonNode run, String where, String secondary, double scale) {
        JsonNode metric = secondary == null ? run.get("primaryMetric") : run.path("secondaryMetrics").get(secondary);
        String label = secondary == null ? "primaryMetric" : "secondaryMetrics." + secondary;
        if (metric == null) {
            throw src.error(where, "has no " + label);
        }
        JsonNode raw = metric.get("rawData");
        if (raw == null || !raw.isArray() || raw.isEmpty()) {
            throw src.error(where, label + " has no rawData (the measured iterations)");
        }
        List<Double> values = new ArrayList<>();
        for (JsonNode fork : raw) {
            for (JsonNode v : fork) {
                if (!v.isNumber()) {
                    throw src.error(where, label + ".rawData holds a non-number: " + v);
                }
                values.add(v.asDouble() * scale);
            }
        }
        if (values.isEmpty()) {
            throw src.error(where, label + ".rawData is empty");
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Stats(median, sorted[0], sorted[n - 1]);
    }

    private record Stats(double median, double low, double high) {
    }

    private void add(Suite suite, String backend, String subject, String series, Stats s, String unit, double x,
            Source src) {
        results.add(new Figure(suite, backend, subject, series, s.median(), s.low(), s.high(), unit, x, src.name()));
    }

    // ---- kernel lab (TornadoVM) ----

    /** "NVIDIA H100 80GB HBM3 (PTX, PTX)" to "TornadoVM PTX"; "(NVIDIA CUDA, OPENCL)" to "TornadoVM OpenCL". */
    static String tornadoBackend(String device) {
        int open = device.lastIndexOf('(');
        if (open < 0 || !device.endsWith(")")) {
            return "TornadoVM (" + device + ")";
        }
        String[] parts = device.substring(open + 1, device.length() - 1).split(",");
        String backend = parts[parts.length - 1].trim().toUpperCase(Locale.ROOT);
        return switch (backend) {
            case "PTX" -> "TornadoVM PTX";
            case "OPENCL" -> "TornadoVM OpenCL";
            case "SPIRV", "SPIR-V" -> "TornadoVM SPIR-V";
            default -> "TornadoVM " + backend;
        };
    }

    private static String deviceName(String device) {
        int open = device.lastIndexOf(" (");
        return open < 0 ? device : device.substring(0, open);
    }

    private void readDecode(Source src, JsonNode root) {
        String device = src.text(root, "the report", "device");
        String backend = tornadoBackend(device);
        results.environment(src.name(), "device", device);
        results.environment(src.name(), "tensor", root.path("elements").asText() + " elements, "
                + root.path("distribution").asText("?") + ", DF11 " + percent(root.path("compression_ratio")));
        if (root.has("compression_ratio") && root.has("elements")) {
            double ratio = src.number(root, "the report", "compression_ratio") * 100;
            add(Suite.CODEC_SIZE, "", "N(0, 0.02) BF16, " + millions(root.path("elements").asLong())
                    + " weights (GPU tensor)", "DF11", new Stats(ratio, ratio, ratio), "% of BF16", 0, src);
        }
        JsonNode kernels = src.array(root, "the report", "kernels");
        for (int i = 0; i < kernels.size(); i++) {
            JsonNode k = kernels.get(i);
            String where = "kernels[" + i + "]";
            String kernel = src.text(k, where, "kernel");
            Stats s = new Stats(src.number(k, where, "gbps_median"), src.number(k, where, "gbps_p10"),
                    src.number(k, where, "gbps_best"));
            boolean copy = kernel.equals("copy");
            add(copy ? Suite.DECODE_CEILING : Suite.DECODE, backend, copy ? "device copy (read + write)" : kernel, "",
                    s, "GB/s", 0, src);
        }
    }

    private void readMatVec(Source src, JsonNode root) {
        String device = src.text(root, "the report", "device");
        String backend = tornadoBackend(device);
        results.environment(src.name(), "device", device);
        JsonNode kernels = src.array(root, "the report", "kernels");
        for (int i = 0; i < kernels.size(); i++) {
            JsonNode k = kernels.get(i);
            String where = "kernels[" + i + "]";
            String kernel = src.text(k, where, "kernel");
            int space = kernel.indexOf(' ');
            String shape = space < 0 ? kernel : kernel.substring(0, space);
            String config = space < 0 ? "" : kernel.substring(space + 1);
            String series = config.equals("copy") ? "device copy (ceiling)" : "matrix-vector " + config;
            add(Suite.MATVEC, backend, shape, series.trim(), new Stats(src.number(k, where, "gbps_median"),
                    src.number(k, where, "gbps_p10"), src.number(k, where, "gbps_best")), "GB/s", 0, src);
        }
    }

    private void readGenerate(Source src, JsonNode root) {
        String device = src.text(root, "the report", "device");
        String backend = tornadoBackend(device);
        String shape = shape(src, root);
        results.environment(src.name(), "device", device);
        results.environment(src.name(), "settings", "shape " + shape + ", " + root.path("prompt_tokens").asText()
                + " prompt + " + root.path("tokens").asText() + " tokens, median of " + root.path("runs").asText()
                + " runs, context " + root.path("context").asText() + ", CUDA graphs "
                + root.path("cuda_graphs").asText() + ", " + root.path("layers_per_graph").asText()
                + " layers per graph, decode kernel " + root.path("decode_kernel").asText());
        JsonNode modes = src.array(root, "the report", "modes");
        for (int i = 0; i < modes.size(); i++) {
            JsonNode m = modes.get(i);
            String where = "modes[" + i + "]";
            String mode = gpuMode(src.text(m, where, "mode"), m.path("description").asText(""));
            Stats s = new Stats(src.number(m, where, "tokens_per_second_median"),
                    src.number(m, where, "tokens_per_second_min"), src.number(m, where, "tokens_per_second_max"));
            int batch = m.path("batch").asInt(root.path("batch").asInt(1));
            if (batch == 1) {
                add(Suite.GENERATION, backend, shape, mode, s, "tokens/s", 1, src);
            }
            add(Suite.BATCH, backend, shape, mode, s, "tokens/s", batch, src);
            String subject = shape + ", " + mode;
            double accounted = src.number(m, where, "device_bytes_accounted") / GIB;
            add(Suite.MEMORY, backend, subject, "accounted by the backend", new Stats(accounted, accounted, accounted),
                    "GiB", 0, src);
            if (m.has("nvidia_smi_process_bytes")) {
                double smi = src.number(m, where, "nvidia_smi_process_bytes") / GIB;
                add(Suite.MEMORY, backend, subject, "nvidia-smi (process)", new Stats(smi, smi, smi), "GiB", 0, src);
            }
        }
        if (root.has("greedy_tokens_agree") && !root.get("greedy_tokens_agree").asBoolean()) {
            results.note(src.name() + ": the modes' greedy tokens differ (a correctness problem, not a speed one)");
        }
    }

    /**
     * serve-bench (df11 serve's continuous batching on a TornadoVM device): tokens/s at each concurrency level, one
     * series per weight format, x = concurrent requests (the sequences a step runs together once all have started).
     * One timed round per level, so a figure has no spread. The series are named apart from generate-bench's modes
     * ("BF16 serving"), so a batch-1 generate-bench point and a serving curve of one backend and shape stay two lines.
     */
    private void readServe(Source src, JsonNode root) {
        String device = src.text(root, "the report", "device_name");
        String backend = tornadoBackend(device);
        String shape = src.text(root, "the report", "shape");
        String decode = root.path("decode_mode").asText("exact");
        results.environment(src.name(), "device", device);
        results.environment(src.name(), "settings", "shape " + shape + ", " + root.path("tokens_per_request").asText()
                + " greedy tokens per request, " + root.path("requests_per_client").asText()
                + " timed request(s) per client, context " + root.path("context").asText() + ", up to "
                + root.path("max_batch").asText() + " sequences per step, DF11 decoded " + decode);
        JsonNode modes = src.array(root, "the report", "modes");
        for (int i = 0; i < modes.size(); i++) {
            JsonNode m = modes.get(i);
            String where = "modes[" + i + "]";
            String id = src.text(m, where, "mode");
            String mode = switch (id) {
                case "bf16" -> "BF16 serving";
                // The mode the backend ran (an "auto" request resolves when it loads), else the one asked for.
                case "df11" -> "DF11 serving (" + m.path("decode_mode").asText(decode) + ")";
                default -> id + " serving";
            };
            JsonNode levels = src.array(m, where, "levels");
            for (int j = 0; j < levels.size(); j++) {
                JsonNode level = levels.get(j);
                String at = where + ".levels[" + j + "]";
                double tps = src.number(level, at, "tokens_per_second");
                add(Suite.BATCH, backend, shape, mode, new Stats(tps, tps, tps), "tokens/s",
                        src.number(level, at, "concurrency"), src);
            }
        }
        if (root.has("batch_invariant") && !root.get("batch_invariant").asBoolean()) {
            results.note(src.name() + ": some requests generated other tokens beside others than alone (a"
                    + " correctness problem, not a speed one)");
        }
        if (root.has("complete") && !root.get("complete").asBoolean()) {
            results.note(src.name() + ": serve-bench did not finish every level");
        }
    }

    /** The shape: the report's "shape" if it has one, else the BF16 model folder's name less "-bf16". */
    private static String shape(Source src, JsonNode root) {
        if (root.hasNonNull("shape")) {
            return root.get("shape").asText();
        }
        String folder = src.text(root, "the report", "model_bf16");
        String name = Path.of(folder).getFileName() == null ? folder : Path.of(folder).getFileName().toString();
        return name.replaceFirst("-bf16$", "");
    }

    /**
     * generate-bench's mode as the report names it. DF11 decoded per block into a buffer (exact) is "DF11
     * resident": mode df11-device now, df11-exact in the reports of 2026-12-06 before the rename, whose df11-device
     * was the fused kernel. The mode's description says which, so a report of either generation lands right.
     */
    private static String gpuMode(String id, String description) {
        return switch (id) {
            case "bf16-device" -> "BF16 resident";
            case "df11-device", "df11-exact" -> description.contains("(fused)") ? "DF11 resident (fused)"
                    : "DF11 resident";
            case "df11-fused" -> "DF11 resident (fused)";
            case "bf16-host" -> "BF16 offloaded";
            default -> id;
        };
    }

    // ---- the PyTorch peers (benchmarks/gpu/torch_step_peer.py, torch_offload_peer.py) ----

    /** The backend name of the PyTorch peers' figures. */
    static final String TORCH = "CUDA (PyTorch/cuBLAS)";
    /** Their modes, beside generate-bench's. */
    static final String TORCH_RESIDENT = "BF16 resident (PyTorch)";
    static final String TORCH_OFFLOADED = "BF16 offloaded (PyTorch)";

    /**
     * A PyTorch peer's step: steps (tokens) per second by median, slowest and fastest step, and its device memory.
     * A dry run on the CPU ("device": "cpu") is read under its own backend name, never as a CUDA figure.
     */
    private void readTorchPeer(Source src, JsonNode root, boolean offload) {
        String shape = src.text(root, "the report", "shape");
        String device = src.text(root, "the report", "device");
        String backend = device.startsWith("cuda") ? TORCH : "PyTorch on " + device;
        JsonNode machine = root.path("machine");
        results.environment(src.name(), "device", machine.hasNonNull("gpu") ? machine.get("gpu").asText() : device);
        machine.properties().forEach(e -> {
            if (!e.getKey().equals("gpu")) {
                results.environment(src.name(), e.getKey(), e.getValue().asText());
            }
        });
        String rate = offload ? "tokens_per_second_" : "steps_per_second_";
        Stats s = new Stats(src.number(root, "the report", rate + "median"), src.number(root, "the report",
                rate + "min"), src.number(root, "the report", rate + "max"));
        String mode = offload ? TORCH_OFFLOADED : TORCH_RESIDENT;
        add(Suite.GENERATION, backend, shape, mode, s, "tokens/s", 1, src);
        add(Suite.BATCH, backend, shape, mode, s, "tokens/s", 1, src);
        String peak = offload ? "device_max_memory_allocated_bytes" : "device_memory_allocated_bytes";
        if (root.hasNonNull(peak)) {
            double gib = src.number(root, "the report", peak) / GIB;
            add(Suite.MEMORY, backend, shape + ", " + mode, "torch.cuda.max_memory_allocated",
                    new Stats(gib, gib, gib), "GiB", 0, src);
        }
        if (offload) {
            JsonNode copy = src.field(root, "the report", "copy_only");
            results.environment(src.name(), "host to device", String.format(Locale.ROOT, "%.1f GB/s during the"
                    + " step, %.1f GB/s copying alone; %s host memory", src.number(root, "the report",
                    "h2d_gbps_median"), src.number(copy, "copy_only", "h2d_gbps_median"),
                    root.path("pinned").asBoolean() ? "pinned" : "pageable (not the baseline)"));
        } else {
            JsonNode copy = src.field(root, "the report", "device_copy");
            double gbps = src.number(copy, "device_copy", "gbps_read_plus_write_median");
            results.environment(src.name(), "weights read", String.format(Locale.ROOT, "%.0f GB/s (device copy:"
                    + " %.0f GB/s read + write)", src.number(root, "the report", "weights_gbps_median"), gbps));
        }
    }

    // ---- the official DFloat11 kernel (benchmarks/gpu/official_decode_baseline.py) ----

    private void readOfficial(Source src, JsonNode root) {
        results.environment(src.name(), "device", src.text(root, "the report", "device"));
        results.environment(src.name(), "official output bit-identical to df11's", root.path("bit_identical").asText());
        add(Suite.DECODE, "CUDA (official DFloat11)", "official DFloat11 kernel", "",
                official(src, src.field(root, "the report", "official_decode"), "official_decode"), "GB/s", 0, src);
        if (root.has("device_copy")) {
            add(Suite.DECODE_CEILING, "CUDA (torch)", "device copy (read + write)", "",
                    official(src, root.get("device_copy"), "device_copy"), "GB/s", 0, src);
        }
    }

    /** GB/s median, at the slowest run, at the fastest run. */
    private static Stats official(Source src, JsonNode n, String where) {
        double median = src.number(n, where, "gbps_median");
        double best = src.number(n, where, "gbps_best");
        double medianMs = src.number(n, where, "median_ms");
        double maxMs = src.number(n, where, "max_ms");
        return new Stats(median, median * medianMs / maxMs, best);
    }

    // ---- codec sizes, memory against context, environment ----

    private void readCodecSizes(Source src, JsonNode root) {
        JsonNode sets = src.array(root, "the report", "data_sets");
        for (int i = 0; i < sets.size(); i++) {
            JsonNode d = sets.get(i);
            String where = "data_sets[" + i + "]";
            String data = src.text(d, where, "data");
            double bf16 = src.number(d, where, "bf16_bytes");
            if (bf16 <= 0) {
                throw src.error(where, "\"bf16_bytes\" must be positive");
            }
            Iterator<Map.Entry<String, JsonNode>> codecs = src.field(d, where, "bytes").properties().iterator();
            while (codecs.hasNext()) {
                Map.Entry<String, JsonNode> codec = codecs.next();
                if (!codec.getValue().isNumber()) {
                    throw src.error(where, "bytes." + codec.getKey() + " is not a number");
                }
                double pct = codec.getValue().asDouble() / bf16 * 100;
                add(Suite.CODEC_SIZE, "", data, codec.getKey(), new Stats(pct, pct, pct), "% of BF16", 0, src);
            }
        }
    }

    private void readContextMemory(Source src, JsonNode root) {
        String device = src.text(root, "the report", "device");
        String backend = tornadoBackendOr(device);
        String shape = src.text(root, "the report", "shape");
        results.environment(src.name(), "device", device);
        if (root.has("budget_bytes")) {
            results.environment(src.name(), "memory budget", String.format(Locale.ROOT, "%.2f GiB",
                    src.number(root, "the report", "budget_bytes") / GIB));
        }
        JsonNode points = src.array(root, "the report", "points");
        for (int i = 0; i < points.size(); i++) {
            JsonNode p = points.get(i);
            String where = "points[" + i + "]";
            double gib = src.number(p, where, "device_bytes") / GIB;
            add(Suite.CONTEXT_MEMORY, backend, shape, src.text(p, where, "weights") + " weights",
                    new Stats(gib, gib, gib), "GiB", src.number(p, where, "context"), src);
        }
        JsonNode longest = root.path("longest_context");
        longest.properties().forEach(e -> results.note(src.name() + ": longest context that ran within the budget, "
                + e.getKey() + " weights: " + e.getValue().asText() + " tokens"));
    }

    private static String tornadoBackendOr(String device) {
        return device.endsWith(")") ? tornadoBackend(device) : device;
    }

    private void readEnvironment(Source src, JsonNode root) {
        root.path("machine").properties().forEach(e -> results.environment(src.name(), e.getKey(),
                e.getValue().asText()));
        JsonNode absent = root.path("absent");
        for (int i = 0; i < absent.size(); i++) {
            JsonNode a = absent.get(i);
            String where = "absent[" + i + "]";
            results.absent(new ResultSet.Absent(src.text(a, where, "backend"), src.text(a, where, "reason"),
                    src.name()));
        }
        root.path("notes").forEach(n -> results.note(n.asText()));
    }

    private static String percent(JsonNode ratio) {
        return ratio.isNumber() ? String.format(Locale.ROOT, "%.2f%% of BF16", ratio.asDouble() * 100) : "?";
    }

    private static String millions(long elements) {
        return elements % (1 << 20) == 0 ? (elements >> 20) + "M" : Long.toString(elements);
    }
}
