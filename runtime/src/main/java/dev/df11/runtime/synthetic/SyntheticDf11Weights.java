package dev.df11.runtime.synthetic;

import dev.df11.format.codec.Df11Encoder;
import dev.df11.format.codec.Df11Unit;
import dev.df11.runtime.model.ModelConfig;
import dev.df11.runtime.model.ModelConfigParser;
import dev.df11.runtime.weights.Bf16Tensor;
import dev.df11.runtime.weights.CompressedWeights;
import dev.df11.runtime.weights.Df11WeightStore;
import dev.df11.runtime.weights.TensorSource;
import dev.df11.runtime.weights.WeightFormatException;
import dev.df11.runtime.weights.WeightStore;
import dev.df11.runtime.weights.WeightStores;

import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * The DF11 model of a {@link SyntheticShape} made in memory, never written to disk: each unit's deterministic BF16
 * weights are synthesized (the same bytes {@link SyntheticModelWriter} writes for the same seed: every 8 MiB chunk of
 * a tensor from its own seeded generator, in parallel) and compressed by {@link Df11Encoder} the first time a store
 * asks for the unit; the BF16 bytes are garbage right after. For a model whose folders would not fit the disk (the 44B
 * shape: 88 GB of BF16, 61 GB of DF11, on a GPU host with 64 GB of disk).
 *
 * <p>Host memory: this object keeps every unit it made (the store refers to them), and a GPU backend copies each unit
 * to its own kernel-ready arrays. So that the two do not together need twice the model, {@code distinctLayers} may be
 * less than the layer count: layer {@code l} then reuses the compressed arrays of layer {@code l % distinctLayers}
 * (under its own name; a backend still makes each layer its own device arrays, so device memory is the real model's).
 * With {@code distinctLayers} equal to the layer count the model is exactly the one {@code df11 synthetic} writes and
 * {@code df11 compress} compresses.
 */
public final class SyntheticDf11Weights implements CompressedWeights {

    /** Bytes per weight a DF11 unit of N(0, 0.02) weights takes, rounded up (for memory estimates only). */
    public static final double DF11_BYTES_PER_WEIGHT = 1.4;

    private final SyntheticShape shape;
    private final long seed;
    private final int distinctLayers;
    private final int threads;
    private final PrintStream log;
    private final Map<String, List<TensorSpec>> unitTensors = new LinkedHashMap<>();
    private final Map<String, Location> locations = new HashMap<>();
    private final Map<String, Df11Unit> made = new HashMap<>();
    private final Source plain;
    private final Df11Encoder encoder;
    private long synthesizedWeights;
    private long synthesisNanos;

    private SyntheticDf11Weights(SyntheticShape shape, long seed, int distinctLayers, int threads, PrintStream log) {
        if (distinctLayers < 1 || distinctLayers > shape.layers) {
            throw new IllegalArgumentException("distinct layers must be 1.." + shape.layers + " for shape " + shape.id
                    + ", got " + distinctLayers);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.shape = shape;
        this.seed = seed;
        this.distinctLayers = distinctLayers;
        this.threads = threads;
        this.log = log;
        Map<String, Bf16Tensor> ones = new LinkedHashMap<>();
        for (TensorSpec tensor : TensorSpec.of(shape)) {
            if (tensor.ones()) {
                byte[] bytes = new byte[(int) tensor.byteSize()];
                SyntheticModelWriter.fill(seed, tensor, 0, (int) tensor.elementCount(),
                        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN));
                MemorySegment data = MemorySegment.ofArray(bytes);
                ones.put(tensor.name(), new Bf16Tensor(tensor.name(), tensor.shape(), data, location()));
                continue;
            }
            String unit = unitOf(tensor.name());
            List<TensorSpec> members = unitTensors.computeIfAbsent(unit, u -> new ArrayList<>());
            locations.put(tensor.name(), new Location(unit, members.size()));
            members.add(tensor);
        }
        this.plain = new Source(ones);
        this.encoder = new Df11Encoder(threads);
    }

    /**
     * A DF11 store over the in-memory model of {@code shape}. Units are made as the store opens (it reads every unit's
     * matrix layout), {@code threads} at a time per unit; progress goes to {@code log} (may be null).
     */
    public static WeightStore store(SyntheticShape shape, long seed, int distinctLayers, int threads, PrintStream log) {
        return of(shape, seed, distinctLayers, threads, log).store();
    }

    /** The weights alone (nothing made yet), for tests and for callers that read the synthesis statistics. */
    public static SyntheticDf11Weights of(SyntheticShape shape, long seed, int distinctLayers, int threads) {
        return of(shape, seed, distinctLayers, threads, null);
    }

    /** Like {@link #of(SyntheticShape, long, int, int)}, telling {@code log} (may be null) of each unit made. */
    public static SyntheticDf11Weights of(SyntheticShape shape, long seed, int distinctLayers, int threads,
                                          PrintStream log) {
        return new SyntheticDf11Weights(shape, seed, distinctLayers, threads, log);
    }

    /** A DF11 store over these weights (making every unit now, as the store reads their layouts). */
    public WeightStore store() {
        return new Df11WeightStore(config(), this, new WeightStores.Df11Options(threads));
    }

    /**
     * Heap bytes the units of this model take once made, with the BF16 of the largest unit being compressed, by
     * {@link #DF11_BYTES_PER_WEIGHT} (an estimate, for a clear refusal before minutes of work).
     */
    public long heapEstimate() {
        long layer = layerElements(shape);
        long table = (long) shape.vocab * shape.hidden;
        return (long) (DF11_BYTES_PER_WEIGHT * (layer * distinctLayers + table * (shape.tiedEmbeddings ? 1 : 2))
                + 2.0 * Math.max(layer, table));
    }

    /**
     * The most distinct layers whose units fit {@code heapBytes} beside the embedding and output units and the BF16
     * of one unit being compressed (at least 1, at most the layer count), by {@link #DF11_BYTES_PER_WEIGHT}.
     */
    public static int distinctLayersFitting(SyntheticShape shape, long heapBytes) {
        long layer = layerElements(shape);
        long table = (long) shape.vocab * shape.hidden;
        double fixed = DF11_BYTES_PER_WEIGHT * table * (shape.tiedEmbeddings ? 1 : 2) + 2.0 * Math.max(layer, table);
        long fit = (long) ((heapBytes - fixed) / (DF11_BYTES_PER_WEIGHT * layer));
        return (int) Math.max(1, Math.min(shape.layers, fit));
    }

    /** Weights of one decoder layer's seven matrices. */
    public static long layerElements(SyntheticShape shape) {
        long q = (long) shape.heads * shape.headDim();
        long kv = (long) shape.kvHeads * shape.headDim();
        return shape.hidden * (2 * q + 2 * kv) + 3L * shape.hidden * shape.intermediate;
    }

    public ModelConfig config() {
        return ModelConfigParser.parse(SyntheticModelWriter.config(shape, seed), location());
    }

    public int distinctLayers() {
        return distinctLayers;
    }

    /** Weights synthesized and compressed so far, and the wall time that took. */
    public synchronized long synthesizedWeights() {
        return synthesizedWeights;
    }

    public synchronized double synthesisSeconds() {
        return synthesisNanos / 1e9;
    }

    @Override
    public String location() {
        return "synthetic " + shape.id + " (in memory, seed " + seed + ", " + distinctLayers + " distinct of "
                + shape.layers + " layers)";
    }

    @Override
    public Optional<Location> locate(String weightName) {
        return Optional.ofNullable(locations.get(weightName));
    }

    @Override
    public Set<String> weightNames() {
        Set<String> names = new java.util.TreeSet<>(locations.keySet());
        names.addAll(plain.names());
        return names;
    }

    /** The unit (made on first use); a layer past {@code distinctLayers} shares an earlier layer's arrays. */
    @Override
    public synchronized Df11Unit unit(String unitName) {
        if (!unitTensors.containsKey(unitName)) {
            throw new WeightFormatException(location() + ": no unit " + unitName);
        }
        String template = templateOf(unitName);
        Df11Unit unit = made.get(template);
        if (unit == null) {
            unit = make(template);
            made.put(template, unit);
        }
        return unit.name().equals(unitName) ? unit : new Df11Unit(unitName, unit.luts(), unit.encodedExponent(),
                unit.signMantissa(), unit.outputPositions(), unit.gaps(), unit.splitPositions());
    }

    private String templateOf(String unitName) {
        if (!unitName.startsWith("model.layers.")) {
            return unitName;
        }
        int layer = Integer.parseInt(unitName.substring("model.layers.".length()));
        return "model.layers." + layer % distinctLayers;
    }

    private Df11Unit make(String unitName) {
        long start = System.nanoTime();
        List<TensorSpec> tensors = unitTensors.get(unitName);
        List<MemorySegment> matrices = new ArrayList<>();
        List<Runnable> chunks = new ArrayList<>();
        long elements = 0;
        for (TensorSpec tensor : tensors) {
            long n = tensor.elementCount();
            if (2 * n > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException(location() + ": " + tensor.name() + " has " + n + " weights; the"
                        + " in-memory model holds each matrix in one Java array (at most 2^30 weights)");
            }
            byte[] bytes = new byte[(int) (2 * n)];
            matrices.add(MemorySegment.ofArray(bytes));
            for (long first = 0; first < n; first += ShardWriter.CHUNK_ELEMENTS) {
                long from = first;
                int count = (int) Math.min(ShardWriter.CHUNK_ELEMENTS, n - first);
                chunks.add(() -> SyntheticModelWriter.fill(seed, tensor, from, count,
                        ByteBuffer.wrap(bytes, (int) (2 * from), 2 * count).slice().order(ByteOrder.LITTLE_ENDIAN)));
            }
            elements += n;
        }
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            pool.submit(() -> IntStream.range(0, chunks.size()).parallel().forEach(i -> chunks.get(i).run())).join();
        } finally {
            pool.shutdown();
        }
        Df11Unit unit = encoder.encode(unitName, matrices);
        long nanos = System.nanoTime() - start;
        synthesizedWeights += elements;
        synthesisNanos += nanos;
        if (log != null) {
            log.printf(Locale.ROOT, "synthesized and compressed %s: %.0f M weights in %.1f s (%.0f M weights/s)%n",
                    unitName, elements / 1e6, nanos / 1e9, elements / 1e3 / (nanos / 1e6));
        }
        return unit;
    }

    private static String unitOf(String tensorName) {
        if (tensorName.startsWith("model.layers.")) {
            int end = tensorName.indexOf('.', "model.layers.".length());
            return tensorName.substring(0, end);
        }
        return tensorName.substring(0, tensorName.length() - ".weight".length());
    }

    @Override
    public TensorSource plainTensors() {
        return plain;
    }

    @Override
    public void close() {
        // Nothing to release: the arrays are on the heap.
    }

    /** The norm weights (ones), in memory. */
    private final class Source implements TensorSource {
        private final Map<String, Bf16Tensor> tensors;

        Source(Map<String, Bf16Tensor> tensors) {
            this.tensors = tensors;
        }

        @Override
        public String location() {
            return SyntheticDf11Weights.this.location();
        }

        @Override
        public boolean contains(String name) {
            return tensors.containsKey(name);
        }

        @Override
        public Set<String> names() {
            return tensors.keySet();
        }

        @Override
        public Bf16Tensor tensor(String name) {
            Bf16Tensor tensor = tensors.get(name);
            if (tensor == null) {
                throw new WeightFormatException(location() + ": no plain tensor " + name);
            }
            return tensor;
        }

        @Override
        public void close() {
        }
    }
}
