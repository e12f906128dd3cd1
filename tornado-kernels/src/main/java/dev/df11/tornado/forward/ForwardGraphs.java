package dev.df11.tornado.forward;

import dev.df11.tornado.forward.weights.CompressedDeviceUnit;
import dev.df11.tornado.forward.weights.DeviceLayer;
import dev.df11.tornado.forward.weights.DeviceUnit;
import dev.df11.tornado.forward.weights.DeviceWeights;
import dev.df11.tornado.forward.weights.NibbleArrays;
import dev.df11.tornado.forward.weights.NibbleDeviceUnit;
import dev.df11.tornado.forward.weights.PlainDeviceUnit;
import dev.df11.tornado.forward.weights.UnitTail;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.ImmutableTaskGraph;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.WorkerGrid;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.nio.BufferOverflowException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * Builds the task graphs of one model's forward step: graph 0 widens the batch's embedding rows into the residual
 * stream; graph {@code 1 + l / layersPerGraph} runs decoder layers {@code l} of its group, each in turn (decode its
 * DF11 unit's exponents into the shared exponent plane if it is compressed and its decode mode is {@code exact},
 * while in the {@code fused} mode the unit's matrix products decode their own rows; then the input RMSNorm, the q|k|v
 * projection, biases and per-head norms where the model has them, rotary embedding fused with the KV-cache append,
 * attention, the output projection added to the residual stream, the post-attention RMSNorm, the gate|up
 * projection, SwiGLU, and the down projection added to the residual stream:
 * nine launches for a Llama layer); the last graph gathers the rows whose logits the step returns (the last token,
 * or each sampling sequence's last row when rows of several sequences share the step), applies the final norm,
 * projects them onto the vocabulary, and copies the logits to the host. Gemma 3 adds the embedding scale, normalises
 * each sublayer's output before it joins the residual stream (a norm and an add each), gates with GELU (tanh) instead
 * of SiLU, and caps the logits; each layer attends within its own window and rotates with its own rope table.
 * Activations pass between graphs on the device ({@link SharedChain}).
 */
public final class ForwardGraphs {

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final List<ImmutableTaskGraph> graphs = new ArrayList<>();
    private final GridScheduler grids = new GridScheduler();
    /** Weight bytes each task streams ({@code graph.task}), for {@link ForwardProfile}. */
    private final Map<String, Long> bytesByTask = new HashMap<>();
    private final IntArray decodeBuffer;

    private final ForwardShape shape;
    private final Activations act;
    private final KernelTuning tuning;
    private final SharedChain chain = new SharedChain();
    private final String prefix;
    /** The tensor cores' buffers where the products run on them ({@link KernelTuning#servingTensorCores}), else null. */
    private final TensorCoreScratch tensorCores;
    /**
     * An empty tail for the product kernels when the tuning runs each tail as a task of its own
     * ({@link KernelTuning#tailTask}), as long as the longest product; else null.
     */
    private final IntArray noTail;
    /** The {@code B:D} id of the device the graphs run on, or null for TornadoVM's default. */
    private final String deviceId;

    private final int layersPerGraph;
    /** Bytes of the largest array a graph copies from the host at every execution. */
    private final long largestEveryStepUpload;
    /** Whether an execution plan has taken these graphs ({@link #claim}). */
    private boolean claimed;

    private ForwardGraphs(ForwardShape shape, Activations act, DeviceWeights weights, KernelTuning tuning,
            int layersPerGraph, IntArray decodeBuffer, String deviceId) {
        this.deviceId = deviceId;
        this.shape = shape;
        this.act = act;
        this.tuning = tuning;
        this.layersPerGraph = layersPerGraph;
        this.prefix = "df11fwd" + INSTANCES.incrementAndGet() + "_";
        this.decodeBuffer = decodeBuffer;
        this.tensorCores = TensorCoreScratch.usedBy(tuning, shape) ? TensorCoreScratch.of(shape) : null;
        this.noTail = tuning.tailTask() ? TailKernels.none(longestProduct(shape)) : null;
        long everyStep = Math.max(Math.max(act.batch.getNumBytesOfSegment(), act.embeddingRows.getNumBytesOfSegment()),
                Math.max(act.hidden.getNumBytesOfSegment(), act.outputRows.getNumBytesOfSegment()));
        for (DeviceLayer layer : weights.layers()) {
            if (layer.unit() instanceof PlainDeviceUnit plain && plain.everyStep()) {
                everyStep = Math.max(everyStep, plain.data().exponents().getNumBytesOfSegment());
            }
        }
        if (weights.output() instanceof PlainDeviceUnit plain && plain.everyStep()) {
            everyStep = Math.max(everyStep, plain.data().exponents().getNumBytesOfSegment());
        }
        this.largestEveryStepUpload = everyStep;
        boolean firstStage = weights.firstLayer() == 0;
        boolean lastStage = weights.output() != null;
        if (firstStage) {
            graphs.add(embedding().snapshot());
        }
        List<DeviceLayer> layers = weights.layers();
        for (int first = 0; first < layers.size(); first += layersPerGraph) {
            int end = Math.min(layers.size(), first + layersPerGraph);
            graphs.add(layers(weights.firstLayer() + first, layers.subList(first, end), !firstStage && first == 0,
                    !lastStage && end == layers.size()).snapshot());
        }
        if (lastStage) {
            graphs.add(output(weights).snapshot());
        }
    }

    /**
     * The graphs and launch grids for {@code weights} on buffers {@code act}, with up to {@code layersPerGraph}
     * decoder layers in each layer graph (1: one graph per block; more: fewer graph executions per token, each of
     * which ends in a host synchronisation that leaves the GPU idle while TornadoVM prepares the next). TornadoVM
     * describes a task graph in a fixed 8 KiB buffer, which holds about ten layers of tasks (fewer for models with
     * bias or per-head-norm tasks); when {@code layersPerGraph} layers do not fit, the count is halved until they do,
     * and {@link #layersPerGraph()} says what was used. The logits do not depend on it by a bit.
     */
    public static ForwardGraphs build(ForwardShape shape, Activations act, DeviceWeights weights,
            KernelTuning tuning, int layersPerGraph) {
        return build(shape, act, weights, tuning, layersPerGraph, null);
    }

    /**
     * As above, for the device {@code deviceId} ({@code B:D}, null for TornadoVM's default): where the tuning puts the
     * products on the tensor cores, TornadoVM must build their kernels for that device's backend from the start
     * (it sketches a task for the default backend, and OpenCL cannot take {@code mma}).
     */
    public static ForwardGraphs build(ForwardShape shape, Activations act, DeviceWeights weights,
            KernelTuning tuning, int layersPerGraph, String deviceId) {
        if (layersPerGraph < 1) {
            throw new IllegalArgumentException("layers per graph must be >= 1, got " + layersPerGraph);
        }
        IntArray decodeBuffer = weights.decodeBufferElements() > 0
                ? new IntArray(WeightPlanes.wordsFor(weights.decodeBufferElements())) : null;
        for (int layers = layersPerGraph; ; layers /= 2) {
            try {
                return new ForwardGraphs(shape, act, weights, tuning, layers, decodeBuffer, deviceId);
            } catch (BufferOverflowException e) {
                if (layers == 1) {
                    throw new IllegalStateException("one decoder layer's tasks overflow TornadoVM's 8 KiB task-graph"
                            + " description buffer", e);
                }
                weights.forgetDecodeTasks();
            }
        }
    }

    /** Embedding graph, layer graphs, output graph, in execution order. */
    public List<ImmutableTaskGraph> graphs() {
        return graphs;
    }

    /** Decoder layers in each layer graph (the last may hold fewer). */
    public int layersPerGraph() {
        return layersPerGraph;
    }

    public GridScheduler grids() {
        return grids;
    }

    /** Bytes of the largest array a graph copies from the host at every execution (batch, rows, BF16 offload). */
    long largestEveryStepUpload() {
        return largestEveryStepUpload;
    }

    /**
     * Marks these graphs as taken by an execution plan. One plan only: the plan gives back the host copies of the
     * weights once its graphs' first executions have uploaded them, and a second plan would upload them again.
     *
     * @throws IllegalStateException when a plan already took them
     */
    synchronized void claim() {
        if (claimed) {
            throw new IllegalStateException("these forward graphs already belong to an execution plan; build new"
                    + " graphs (and weights) for another: the first plan releases the host copies of their weights");
        }
        claimed = true;
    }

    /** Weight bytes each task streams, by {@code graph.task}: matrix bytes read, BF16 bytes a decode writes. */
    Map<String, Long> bytesByTask() {
        return bytesByTask;
    }

    private void countDecode(String name, String task, DeviceUnit unit) {
        if (unit.usesDecodeBuffer()) {
            bytesByTask.put(name + "." + task, 2L * unit.decodedElements());
        }
    }

    /** The shared exponent plane DF11 units decode into, or null when no unit is compressed. */
    public IntArray decodeBuffer() {
        return decodeBuffer;
    }

    /** A new graph: for the plan's device from the start where its products run on the tensor cores. */
    private TaskGraph newGraph(String name) {
        return tensorCores != null ? TensorCoreScratch.newGraph(name, deviceId) : new TaskGraph(name);
    }

    private TaskGraph embedding() {
        String name = prefix + "embed";
        TaskGraph graph = newGraph(name)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, act.batch, act.embeddingRows);
        graph = chain.join(graph, true, act.hidden, act.scales);
        chain.adopt(act.batch);
        graph = task(graph, name, "widen", items(shape.maxBatch() * shape.hidden()),
                g -> g.task("widen", ElementwiseKernels::widenRows, new KernelContext(), act.embeddingRows, act.hidden,
                        shape.hidden(), act.batch, act.scales));
        if (shape.config().gemma()) {
            // Gemma 3 scales the embedding by sqrt(hidden), a float32 constant, as the CPU backend does.
            float factor = (float) Math.sqrt(shape.hidden());
            graph = task(graph, name, "embedScale", items(shape.maxBatch() * shape.hidden()),
                    g -> g.task("embedScale", ElementwiseKernels::scaleRows, new KernelContext(), act.hidden, factor,
                            shape.hidden(), act.batch));
        }
        return chain.handOn(graph);
    }

    /**
     * One graph running {@code layers}, the first of which is decoder layer {@code first}. On a pipeline stage after
     * the first ({@code fromHost}) the stage's first graph takes the batch and the residual stream from the host on
     * every execution; on a stage before the last ({@code toHost}) the stage's last graph copies the residual stream
     * to the host, for the next stage ({@link dev.df11.tornado.forward.weights.MemoryPlan}).
     */
    private TaskGraph layers(int first, List<DeviceLayer> layers, boolean fromHost, boolean toHost) {
        String name = prefix + "layers" + first + (layers.size() > 1 ? "_" + (first + layers.size() - 1) : "");
        List<Object> uses = new ArrayList<>(List.of(act.batch, act.hidden, act.normed, act.qkv, act.attention,
                act.gateUp, act.mlp, act.scores));
        for (RotaryTables table : act.rotaryTables) {
            uses.add(table.cos());
            uses.add(table.sin());
        }
        if (act.projected != null) {
            uses.add(act.projected);
        }
        if (layers.stream().anyMatch(l -> l.unit().usesDecodeBuffer())) {
            uses.add(decodeBuffer);
        }
        if (tensorCores != null) {
            uses.addAll(tensorCores.buffers());
        }
        if (noTail != null) {
            uses.add(noTail);
        }
        TaskGraph graph = newGraph(name);
        if (fromHost) {
            graph = graph.transferToDevice(DataTransferMode.EVERY_EXECUTION, act.batch, act.hidden);
            chain.adopt(act.batch);
            chain.adopt(act.hidden);
        }
        graph = chain.join(graph, !toHost, uses.toArray());
        for (int i = 0; i < layers.size(); i++) {
            graph = layer(graph, name, "l" + (first + i) + "_", first + i, layers.get(i));
        }
        if (toHost) {
            return graph.transferToHost(DataTransferMode.EVERY_EXECUTION, act.hidden);
        }
        return chain.handOn(graph);
    }

    /** Adds decoder layer {@code index}'s transfers and tasks (named {@code tag + task}) to {@code graph}. */
    private TaskGraph layer(TaskGraph graph, String name, String tag, int index, DeviceLayer layer) {
        DeviceUnit unit = layer.unit();
        graph = transfers(graph, unit)
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, layer.inputNorm(), layer.postAttentionNorm(),
                        layer.keyCache(), layer.valueCache());
        if (layer.qkvBias() != null) {
            graph = graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, layer.qkvBias());
        }
        if (layer.qkNorm() != null) {
            graph = graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, layer.qkNorm());
        }
        boolean gemma = layer.preFeedForwardNorm() != null;
        if (gemma) {
            graph = graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, layer.preFeedForwardNorm(),
                    layer.postFeedForwardNorm());
        }
        graph = unit.addDecode(graph, name, tag + "decode", decodeBuffer, grids);
        countDecode(name, tag + "decode", unit);

        int dim = shape.hidden();
        int qkvWidth = shape.qkvWidth();
        int inter = shape.intermediate();
        int batch = shape.maxBatch();
        int rotated = shape.heads() + shape.kvHeads();
        float eps = shape.eps();

        graph = rmsNorm(graph, name, tag + "attnNorm", layer.inputNorm());
        graph = matVec(graph, name, tag + "qkv", unit, layer.offsets().qkv(), qkvWidth, dim, act.normed, act.qkv, 0, 0);
        if (layer.qkvBias() != null) {
            graph = task(graph, name, tag + "qkvBias", items(batch * qkvWidth),
                    g -> g.task(tag + "qkvBias", ElementwiseKernels::addBias, new KernelContext(), act.qkv,
                            layer.qkvBias(), qkvWidth, act.batch));
        }
        if (layer.qkNorm() != null) {
            graph = task(graph, name, tag + "qkNorm", groups(batch * rotated, tuning.norm()),
                    g -> g.task(tag + "qkNorm", NormKernels::rmsNorm, new KernelContext(), act.qkv, act.qkv,
                            layer.qkNorm(), shape.headDim(), rotated, qkvWidth, eps, act.batch));
        }
        RotaryTables rotary = act.rotary(index);
        int rotaryDim = shape.config().rotaryDim();
        if (rotaryDim == shape.headDim()) {
            graph = task(graph, name, tag + "rope", items(batch * rotated * shape.headDim() / 2),
                    g -> g.task(tag + "rope", RotaryKernels::rotateAndCache, new KernelContext(), act.qkv,
                            shape.heads(), shape.kvHeads(), shape.headDim(), qkvWidth, rotary.cos(),
                            rotary.sin(), layer.keyCache(), layer.valueCache(), act.batch));
        } else {
            graph = task(graph, name, tag + "rope", items(batch * rotated * shape.headDim() / 2),
                    g -> g.task(tag + "rope", RotaryKernels::rotatePartAndCache, new KernelContext(), act.qkv,
                            shape.heads(), shape.kvHeads(), shape.headDim(), rotaryDim, qkvWidth, rotary.cos(),
                            rotary.sin(), layer.keyCache(), layer.valueCache(), act.batch));
        }
        int window = shape.attentionWindow(index);
        graph = task(graph, name, tag + "attend", groups(batch * shape.heads(), tuning.attention()),
                g -> g.task(tag + "attend", AttentionKernels::attend, new KernelContext(), act.qkv,
                        layer.keyCache(), layer.valueCache(), act.scores, act.attention, shape.heads(),
                        shape.kvHeads(), shape.headDim(), shape.contextLength(), window, shape.attentionScale(),
                        qkvWidth, act.batch));
        if (!gemma) {
            graph = matVec(graph, name, tag + "o", unit, layer.offsets().output(), dim, shape.queryDim(), act.attention,
                    act.hidden, 1, 0);
            graph = rmsNorm(graph, name, tag + "mlpNorm", layer.postAttentionNorm());
        } else {
            // Gemma 3: the attention's output is normalised before it joins the residual stream, and the
            // feed-forward's input has a norm of its own.
            graph = matVec(graph, name, tag + "o", unit, layer.offsets().output(), dim, shape.queryDim(), act.attention,
                    act.projected, 0, 0);
            graph = normAndAdd(graph, name, tag + "postAttn", layer.postAttentionNorm());
            graph = rmsNorm(graph, name, tag + "mlpNorm", layer.preFeedForwardNorm());
        }
        graph = matVec(graph, name, tag + "gateUp", unit, layer.offsets().gateUp(), 2 * inter, dim, act.normed,
                act.gateUp, 0, 0);
        if (!gemma) {
            graph = task(graph, name, tag + "swiglu", items(batch * inter),
                    g -> g.task(tag + "swiglu", ElementwiseKernels::swiGlu, new KernelContext(), act.gateUp, act.mlp,
                            inter, act.batch));
            graph = matVec(graph, name, tag + "down", unit, layer.offsets().down(), dim, inter, act.mlp, act.hidden, 1,
                    0);
        } else {
            graph = task(graph, name, tag + "gelu", items(batch * inter),
                    g -> g.task(tag + "gelu", ElementwiseKernels::geluTanhGate, new KernelContext(), act.gateUp,
                            act.mlp, inter, act.batch));
            graph = matVec(graph, name, tag + "down", unit, layer.offsets().down(), dim, inter, act.mlp, act.projected,
                    0, 0);
            graph = normAndAdd(graph, name, tag + "postMlp", layer.postFeedForwardNorm());
        }
        return graph;
    }

    private TaskGraph output(DeviceWeights weights) {
        String name = prefix + "output";
        DeviceUnit unit = weights.output();
        List<Object> uses = new ArrayList<>(List.of(act.hidden, act.normed));
        if (unit.usesDecodeBuffer()) {
            uses.add(decodeBuffer);
        }
        if (tensorCores != null) {
            uses.addAll(tensorCores.buffers());
        }
        if (noTail != null) {
            uses.add(noTail);
        }
        TaskGraph graph = chain.join(newGraph(name), false, uses.toArray());
        graph = transfers(graph, unit)
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, weights.finalNorm())
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, act.outputRows);
        graph = unit.addDecode(graph, name, "decode", decodeBuffer, grids);
        countDecode(name, "decode", unit);
        // Only the rows whose logits are asked for are normalised and projected: the final norm reads them where
        // they are in the residual stream (through act.outputRows) and writes them, quad-major, to rows 0..n-1 of
        // act.normed (the same arithmetic per row as normalising them in place).
        int dim = shape.hidden();
        int selected = shape.logitRows();
        graph = task(graph, name, "finalNorm", groups(selected, tuning.norm()),
                g -> g.task("finalNorm", NormKernels::rmsNormRowsQuadMajor, new KernelContext(), act.hidden,
                        act.normed, weights.finalNorm(), dim, shape.eps(), act.outputRows));
        graph = matVec(graph, name, "logits", unit, weights.outputOffset(), shape.vocab(),
                dim, act.normed, act.logits, 0, 0, act.outputRows);
        float cap = (float) shape.config().finalLogitSoftcap();
        if (cap != 0f) {
            int logits = selected * shape.vocab();
            graph = task(graph, name, "softCap", items(logits),
                    g -> g.task("softCap", ElementwiseKernels::softCap, new KernelContext(), act.logits, cap,
                            logits));
        }
        return graph.transferToHost(DataTransferMode.EVERY_EXECUTION, act.logits);
    }

    /** The unit's own arrays ({@link DeviceUnit#addTransfers}) and its table and tail, which every product reads. */
    private static TaskGraph transfers(TaskGraph graph, DeviceUnit unit) {
        return unit.addTransfers(graph)
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, unit.tail().table(), unit.tail().tail());
    }

    /** Device bytes of the empty tail the graphs allocate where {@code tuning} runs the tails as tasks, else 0. */
    public static long noTailBytes(KernelTuning tuning, ForwardShape shape) {
        return tuning.tailTask() ? (long) Integer.BYTES * (longestProduct(shape) + 1) : 0;
    }

    /** Rows of the longest product of a step: the output projection, gate|up, q|k|v or a hidden-wide one. */
    private static int longestProduct(ForwardShape shape) {
        return Math.max(Math.max(shape.vocab(), 2 * shape.intermediate()), Math.max(shape.qkvWidth(),
                shape.hidden()));
    }

    /**
     * Adds {@code out (+)= W x} for the {@code rows x cols} matrix at element {@code offset} of {@code unit}, in the
     * unit's tail order ({@link UnitTail}): first the dense part, by the fused decode-and-multiply kernel for a fused
     * DF11 unit, otherwise the product kernel the tuning names for the shape ({@link KernelTuning#productLaunch}):
     * its nibble form for a unit in the nibble layout, else on the BF16 planes (a BF16 unit, or a DF11 unit its
     * decode task has expanded into {@link #decodeBuffer}); then the rows' tail weights: the product kernels add them
     * themselves ({@link TailKernels#addRowTail}), the fused kernel is followed by the tail task (the same bits). Every
     * product kernel gives each row the launch's work-items, order and reduction, and all read the unit's table, so
     * the result does not depend on which. Where the products run on the tensor cores, {@link #tensorCoreProduct}
     * does all of it, the tail included.
     */
    private TaskGraph matVec(TaskGraph graph, String name, String task, DeviceUnit unit, int offset, int rows,
            int cols, FloatArray x, FloatArray out, int accumulate, int lastOnly) {
        return matVec(graph, name, task, unit, offset, rows, cols, x, out, accumulate, lastOnly, act.batch);
    }

    /** As above, over the rows {@code batch} counts (the output projection: the gathered rows, {@code act.outputRows}). */
    private TaskGraph matVec(TaskGraph graph, String name, String task, DeviceUnit unit, int offset, int rows,
            int cols, FloatArray x, FloatArray out, int accumulate, int lastOnly, IntArray batch) {
        WeightPlanes.checkAligned("task " + name + "." + task, offset, cols);
        bytesByTask.put(name + "." + task, 2L * rows * cols);
        UnitTail tail = unit.tail();
        int directory = tail.directory(offset, rows, cols);
        if (tensorCores != null && cols % TensorCoreKernels.STEP == 0) {
            return tensorCoreProduct(graph, name, task, unit, offset, rows, cols, x, out, accumulate, lastOnly, batch,
                    tail, directory);
        }
        // A tail task follows the fused kernel, and every product where the tuning asks (for timing only); the
        // product kernels then run on an empty tail, else they add the rows' tail themselves.
        boolean tailTask = unit instanceof CompressedDeviceUnit compressed && compressed.fused() || tuning.tailTask();
        graph = dense(graph, name, task, unit, offset, rows, cols, x, out, accumulate, lastOnly, batch, tail,
                tuning.tailTask() ? noTail : tail.tail(), tuning.tailTask() ? 0 : directory);
        if (!tailTask || tail.entries(directory, rows) == 0) {
            return graph;
        }
        grids.addWorkerGrid(name + "." + task + "Tail", items(rows));
        return graph.task(task + "Tail", TailKernels::addTails, new KernelContext(), rows, cols, x, out, lastOnly, batch,
                tail.tail(), directory, tail.table());
    }

    /**
     * The dense part of {@link #matVec}: the product kernel, widening through the unit's table; all but the fused one
     * add the tail as well.
     */
    private TaskGraph dense(TaskGraph graph, String name, String task, DeviceUnit unit, int offset, int rows,
            int cols, FloatArray x, FloatArray out, int accumulate, int lastOnly, IntArray batch, UnitTail tail,
            IntArray rowTail, int directory) {
        FloatArray table = tail.table();
        if (unit instanceof CompressedDeviceUnit compressed && compressed.fused()) {
            KernelTuning.MatVecLaunch launch = tuning.matVecLaunch(rows, cols);
            grids.addWorkerGrid(name + "." + task,
                    groups((rows + launch.rows() - 1) / launch.rows(), launch.local()));
            CompressedDeviceUnit.FusedMatrix m = compressed.fusedMatrix(offset, rows, cols);
            return graph.task(task, FusedMatVecKernels::matVecFused, new KernelContext(), m.codeWords(), m.tables(),
                    m.chunkStarts(), m.chunkBase(), m.signMantissa(), offset, rows, cols, x, out, accumulate,
                    lastOnly, launch.rows(), batch, table);
        }
        KernelTuning.ProductLaunch product = tuning.productLaunch(rows, cols, shape.sequences() > 1);
        grids.addWorkerGrid(name + "." + task,
                groups((rows + product.rows() - 1) / product.rows(), product.local()));
        if (unit instanceof NibbleDeviceUnit nibble) {
            NibbleArrays n = nibble.arrays();
            return product.kernel().addNibbleTask(graph, task, n.codes(), n.signMantissa(), offset, rows, cols, x,
                    out, accumulate, lastOnly, product.rows(), batch, table, rowTail, directory);
        }
        WeightPlanes weights = unit.planes(decodeBuffer);
        return product.kernel().addTask(graph, task, weights.exponents(), weights.signMantissa(), offset, rows, cols,
                x, out, accumulate, lastOnly, product.rows(), batch, table, rowTail, directory);
    }

    /**
     * {@link #matVec} on the tensor cores ({@link TensorCoreKernels}): the activations split, the products of each
     * row block and column slice, the slices summed into {@code out} with the rows' tail weights. BF16 planes (a BF16
     * unit or exactly decoded DF11) and the nibble layout give the same bits; the fused layout has no tensor-core
     * form.
     */
    private TaskGraph tensorCoreProduct(TaskGraph graph, String name, String task, DeviceUnit unit, int offset,
            int rows, int cols, FloatArray x, FloatArray out, int accumulate, int lastOnly, IntArray batch,
            UnitTail tail, int directory) {
        if (unit instanceof CompressedDeviceUnit compressed && compressed.fused()) {
            throw new IllegalStateException("the fused decode mode has no tensor-core form, and this device serves"
                    + " several sequences on the tensor cores: use --decode-mode exact or nibble");
        }
        IntArray weightsA;
        IntArray signMantissa;
        int nibbles = 0;
        if (unit instanceof NibbleDeviceUnit nibble) {
            weightsA = nibble.arrays().codes();
            signMantissa = nibble.arrays().signMantissa();
            nibbles = 1;
        } else {
            WeightPlanes weights = unit.planes(decodeBuffer);
            weightsA = weights.exponents();
            signMantissa = weights.signMantissa();
        }
        return tensorCores.addProduct(graph, grids, name, task, weightsA, signMantissa, nibbles, offset, rows, cols, x,
                out, accumulate, lastOnly, batch, tail.table(), tail.tail(), directory, tuning.elementwise());
    }

    /**
     * RMSNorm of the residual stream into {@code act.normed} (quad-major), the input of the projection that follows. A separate
     * launch rather than fused into the projection: fused, every one of the projection's work-groups re-read the
     * norm weights and re-summed the squares, which cost the q|k|v and gate|up products a third of their bandwidth
     * (the README has the measurement).
     */
    private TaskGraph rmsNorm(TaskGraph graph, String name, String task, FloatArray weight) {
        int dim = shape.hidden();
        return task(graph, name, task, groups(shape.maxBatch(), tuning.norm()),
                g -> g.task(task, NormKernels::rmsNormQuadMajor, new KernelContext(), act.hidden, act.normed, weight,
                        dim, shape.eps(), act.batch));
    }

    /**
     * Gemma 3's sublayer output joining the residual stream: {@code act.projected} RMS-normalised in place with
     * {@code weight}, then added to {@code act.hidden} (two launches, the CPU backend's two float32 steps).
     */
    private TaskGraph normAndAdd(TaskGraph graph, String name, String task, FloatArray weight) {
        int dim = shape.hidden();
        graph = task(graph, name, task + "Norm", groups(shape.maxBatch(), tuning.norm()),
                g -> g.task(task + "Norm", NormKernels::rmsNorm, new KernelContext(), act.projected, act.projected,
                        weight, dim, 1, dim, shape.eps(), act.batch));
        return task(graph, name, task + "Add", items(shape.maxBatch() * dim),
                g -> g.task(task + "Add", ElementwiseKernels::addRows, new KernelContext(), act.projected, act.hidden,
                        dim, act.batch));
    }

    private TaskGraph task(TaskGraph graph, String name, String task, WorkerGrid grid,
            UnaryOperator<TaskGraph> add) {
        grids.addWorkerGrid(name + "." + task, grid);
        return add.apply(graph);
    }


    private WorkerGrid groups(int count, int local) {
        return Grids.groups(count, local);
    }

    private WorkerGrid items(int count) {
        return Grids.items(count, tuning.elementwise());
    }
}
