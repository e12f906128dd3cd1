package dev.df11.tornado.backend;

import dev.df11.runtime.backend.Backend;
import dev.df11.runtime.model.ModelConfig;
import dev.df11.runtime.backend.SequenceBatching;
import dev.df11.runtime.backend.SequenceCache;
import dev.df11.runtime.weights.WeightStore;
import dev.df11.tornado.forward.Activations;
import dev.df11.tornado.forward.ForwardGraphs;
import dev.df11.tornado.forward.ForwardKernels;
import dev.df11.tornado.forward.ForwardPlan;
import dev.df11.tornado.forward.ForwardProfile;
import dev.df11.tornado.forward.ForwardShape;
import dev.df11.tornado.forward.KernelTuning;
import dev.df11.tornado.forward.TensorCoreScratch;
import dev.df11.tornado.forward.weights.CompressedDeviceUnit;
import dev.df11.tornado.device.TornadoDevices;
import dev.df11.tornado.forward.weights.DeviceChoice;
import dev.df11.tornado.forward.weights.DeviceUnit;
import dev.df11.tornado.forward.weights.DeviceWeights;
import dev.df11.tornado.forward.weights.HostMemory;
import dev.df11.tornado.forward.weights.DecodeMode;
import dev.df11.tornado.forward.weights.DecodeModeChoice;
import dev.df11.tornado.forward.weights.MemoryPlan;
import dev.df11.tornado.forward.weights.NibbleDeviceUnit;
import uk.ac.manchester.tornado.api.enums.TornadoVMBackendType;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.common.TornadoDevice;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.function.ToLongFunction;

/**
 * The forward pass on a TornadoVM device (OpenCL or PTX). {@link #load} copies the model to device arrays (DF11 units
 * stay compressed), builds a task graph per group of decoder layers (8 by default) plus an embedding and an output
 * graph, and compiles them all in one execution plan. Each step then runs the graphs in order; a DF11 layer decodes
 * its unit's exponents into one shared exponent plane on the device right before its kernels use it, so only one
 * decoded unit ever exists. Nothing is decoded on the host (apart from the embedding rows the weight store looks up),
 * so this backend allocates no host decode buffers.
 *
 * <p>It also runs steps over rows of several sequences ({@link SequenceBatching}, for serving): each layer's KV cache
 * holds a fixed number of sequence slots, sized at load for {@link #reserveSequences} sequences (or as many as fit its
 * memory), and every row of a step carries its own slot and position to the device, so rows of different sequences
 * (decoding rows and prompt chunks alike) share one step and each DF11 unit is decoded once for all of them. The plain
 * {@link Backend} calls run one sequence in slot 0.
 */
public final class TornadoBackend implements Backend, SequenceBatching {

    /** The options; a {@link DecodeMode#AUTO} decode mode is replaced by the resolved one in {@link #load}. */
    private TornadoBackendOptions options;
    private final TornadoDevice device;
    /**
     * The devices of a pipeline, in order (several: {@link TornadoBackendOptions#device} lists them); null entries
     * are TornadoVM's default device. One entry: the single-device backend.
     */
    private List<TornadoDevice> devices;
    /** The {@code B:D} ids of {@link #devices} for messages; null: from the options' device list, else by index. */
    private List<String> ids;
    /**
     * {@code --devices auto}: {@link #devices} are the candidates, of which {@link #load} keeps the fewest that hold
     * the model ({@link DeviceChoice}).
     */
    private final boolean auto;
    /** Per-device memory to plan with instead of the devices' own (tests); null: the devices' memory. */
    private final List<Long> budgets;
    /** The pipeline's stages, one per device; the fields below are the first stage's. */
    private List<Stage> stages;
    private MemoryPlan memoryPlan;
    private ForwardShape shape;
    private Activations act;
    private DeviceWeights deviceWeights;
    private ForwardGraphs graphs;
    private ForwardPlan plan;
    private int count;
    private int nextLayer = -1;
    private boolean normed;
    private boolean projected;
    /** Slots asked for before load ({@link #reserveSequences}). */
    private int requestedSequences = 1;
    /** Which KV-cache slots a live {@link Slot} holds. */
    private boolean[] leased;

    /** A backend on {@code device} (null: TornadoVM's default device). */
    public TornadoBackend(TornadoBackendOptions options, TornadoDevice device) {
        this(options, Collections.singletonList(device), null);
    }

    /**
     * A pipeline over {@code devices} (null entries: TornadoVM's default device; the same device may appear more
     * than once, each entry getting an execution plan of its own): consecutive decoder blocks on each, placed by a
     * {@link MemoryPlan} over {@code budgets} bytes per device, or the devices' own memory when null.
     */
    TornadoBackend(TornadoBackendOptions options, List<TornadoDevice> devices, List<Long> budgets) {
        this(options, devices, null, budgets, false);
    }

    /**
     * {@code --devices auto} over {@code candidates} (their ids in {@code ids}; the default device first): at load,
     * the fewest leading candidates that hold the model, planned over {@code budgets} bytes each, or the devices' own
     * memory when null.
     */
    static TornadoBackend auto(TornadoBackendOptions options, List<TornadoDevice> candidates, List<String> ids,
            List<Long> budgets) {
        return new TornadoBackend(options, candidates, ids, budgets, true);
    }

    private TornadoBackend(TornadoBackendOptions options, List<TornadoDevice> devices, List<String> ids,
            List<Long> budgets, boolean auto) {
        TornadoSettings.raiseDefaults();
        if (ids != null && ids.size() != devices.size()) {
            throw new IllegalArgumentException(devices.size() + " devices and " + ids.size() + " ids");
        }
        if (devices.isEmpty() || (budgets != null && budgets.size() != devices.size())) {
            throw new IllegalArgumentException(devices.size() + " devices and " + (budgets == null ? "no"
                    : budgets.size()) + " memory budgets; expected at least one device and one budget each");
        }
        this.options = options;
        this.devices = new ArrayList<>(devices);
        this.ids = ids == null ? null : List.copyOf(ids);
        this.auto = auto;
        this.budgets = budgets == null ? null : List.copyOf(budgets);
        this.device = devices.get(0);
    }

    /**
     * One device's part of the pipeline: decoder layers {@code first .. end - 1} with their own activations, weights,
     * graphs and execution plan bound to {@code device}.
     */
    private record Stage(int first, int end, TornadoDevice device, Activations act, DeviceWeights weights,
            ForwardGraphs graphs, ForwardPlan plan) {
    }

    /** A stage's graphs and the plan that runs them. */
    private record Planned(ForwardGraphs graphs, ForwardPlan plan) {
    }

    /**
     * The graphs of {@code weights} on {@code act} and their plan on {@code device}, with the layers per graph the
     * options ask for, or fewer: TornadoVM 5.2 holds a task graph in at most 1,024 nodes (every task, argument and
     * transfer takes some), which eight layers of a DF11 unit decoded exactly, with their tail tasks, exceed; the
     * count is then halved (a console line says so) and the graphs built again. The logits do not depend on it.
     */
    private Planned plan(Activations act, DeviceWeights weights, KernelTuning tuning, TornadoDevice device) {
        int layers = options.layersPerGraph();
        while (true) {
            ForwardGraphs graphs = ForwardGraphs.build(shape, act, weights, tuning, layers,
                    TornadoDevices.id(orDefault(device)));
            TornadoSettings.require(deviceBytes(weights, graphs, act));
            try {
                return new Planned(graphs, new ForwardPlan(graphs, weights, device, options.cudaGraphs(),
                        options.profile()));
            } catch (Error e) {
                if (!ForwardPlan.overflowsTaskGraph(e) || graphs.layersPerGraph() == 1) {
                    throw e;
                }
                layers = graphs.layersPerGraph() / 2;
                System.err.printf("tornado: %d decoder layers are more tasks than a TornadoVM task graph holds;"
                        + " building %d per graph%n", graphs.layersPerGraph(), layers);
                weights.forgetDecodeTasks();
            }
        }
    }

    @Override
    public String name() {
        return "tornado";
    }

    /** The device this backend runs on, or null for TornadoVM's default. */
    public TornadoDevice device() {
        return device;
    }

    /** The sizes the options give, else the tuning table's entry for this backend's device. */
    KernelTuning tuning() {
        return tuning(device);
    }

    private KernelTuning tuning(TornadoDevice each) {
        KernelTuning tuning = options.tuning() != null ? options.tuning()
                : KernelTuning.forDevice(orDefault(each).getPhysicalDevice().getDeviceName());
        return tuning.onBackend(orDefault(each).getTornadoVMBackend() == TornadoVMBackendType.PTX);
    }

    /**
     * Every block the config parser accepts runs on the device: the Llama block with Qwen2 biases and Qwen3 head
     * norms, Phi-3's fused projections and partial rotary, Gemma 3's block, sliding windows per layer and rope tables
     * per layer type. What the device cannot hold (int-indexed buffers, the memory cap) is refused in {@link #load}
     * with a message naming it.
     */
    @Override
    public Optional<String> unsupported(ModelConfig config, int contextLength) {
        return Optional.empty();
    }

    @Override
    public void load(WeightStore weights, int contextLength, int maxBatch) {
        if (plan != null) {
            throw new IllegalStateException("TornadoBackend.load was already called");
        }
        if (options.decodeMode() == DecodeMode.AUTO) {
            options = options.withDecodeMode(chooseDecodeMode(weights, contextLength, maxBatch));
        }
        IntFunction<MemoryPlan.ModelBytes> bytes = slots -> modelBytes(weights,
                new ForwardShape(weights.config(), contextLength, maxBatch, slots));
        int sequences = sequencesByTotal(weights, contextLength, maxBatch);
        if (auto) {
            List<DeviceChoice.Candidate> offered = candidates();
            DeviceChoice.Choice choice = DeviceChoice.choose(bytes, contextLength, offered, sequences);
            this.devices = new ArrayList<>(devices.subList(0, choice.devices().size()));   // null: the default
            this.ids = choice.devices().stream().map(DeviceChoice.Candidate::id).toList();
            sequences = Math.min(choice.sequences(), sequencesByTotal(weights, contextLength, maxBatch));
            System.err.println("tornado: --devices auto chose " + choice.ids() + (devices.size() == 1
                    ? " (the model fits one device)" : " (the fewest of " + offered.size()
                    + " devices like the default one that hold it" + (requestedSequences > 1 ? " with "
                    + sequences + " of " + requestedSequences + " sequence slots" : "") + ")"));
        } else if (sequences > 1) {
            // Slots every device's share holds, not only the devices' memory summed: blocks are placed whole, and
            // every device holds activations and a decode buffer besides.
            sequences = Math.max(1, DeviceChoice.sequencesThatFit(bytes, contextLength, plannedDevices(), sequences));
        }
        this.shape = new ForwardShape(weights.config(), contextLength, maxBatch, sequences);
        this.leased = new boolean[sequences];
        if (devices.size() > 1) {
            loadPipeline(weights);
            return;
        }
        planOneDevice(weights);
        this.act = new Activations(shape);
        try {
            this.deviceWeights = DeviceWeights.of(weights, shape, options.bf16Placement(), options.decodeMode());
        } catch (OutOfMemoryError e) {
            if (HostMemory.isOffHeap(e)) {   // the estimate checked before allocating was short: say so clearly too
                throw HostMemory.explain(e, "the device arrays of this model");
            }
            throw e;
        }
        Planned planned = plan(act, deviceWeights, tuning(), device);
        this.graphs = planned.graphs();
        this.plan = planned.plan();
        this.stages = List.of(new Stage(0, shape.layers(), device, act, deviceWeights, graphs, plan));
    }

    /**
     * Loads a pipeline: plans the devices' memory first (printing it, and refusing a plan that does not fit before
     * anything is allocated), then builds each stage's weights, graphs and execution plan on its device.
     */
    private void loadPipeline(WeightStore weights) {
        MemoryPlan.ModelBytes bytes = modelBytes(weights, shape);
        this.memoryPlan = MemoryPlan.of(bytes, shape.contextLength(), plannedDevices());
        System.err.print("tornado: memory plan over " + devices.size() + " devices (context "
                + shape.contextLength() + ")\n" + memoryPlan.table());
        List<Stage> built = new ArrayList<>();
        try {
            for (int d = 0; d < devices.size(); d++) {
                MemoryPlan.Placement placement = memoryPlan.devices().get(d);
                Activations stageAct = new Activations(shape);
                DeviceWeights stageWeights;
                try {
                    stageWeights = DeviceWeights.of(weights, shape, options.bf16Placement(), options.decodeMode(),
                            placement.firstLayer(), placement.endLayer());
                } catch (OutOfMemoryError e) {
                    if (HostMemory.isOffHeap(e)) {
                        throw HostMemory.explain(e, "the device arrays of layers " + placement.firstLayer() + ".."
                                + (placement.endLayer() - 1));
                    }
                    throw e;
                }
                TornadoDevice stageDevice = devices.get(d);
                Planned stage = plan(stageAct, stageWeights, tuning(stageDevice), stageDevice);
                built.add(new Stage(placement.firstLayer(), placement.endLayer(), stageDevice, stageAct,
                        stageWeights, stage.graphs(), stage.plan()));
            }
        } catch (RuntimeException | Error e) {
            for (Stage stage : built) {
                stage.plan().close();
            }
            throw e;
        }
        this.stages = List.copyOf(built);
        Stage first = stages.get(0);
        this.act = first.act();
        this.deviceWeights = first.weights();
        this.graphs = first.graphs();
        this.plan = first.plan();
    }

    /**
     * The device bytes of the model at {@code shape}, the tensor cores' buffers and the empty tail of
     * {@link KernelTuning#tailTask} included where they are used.
     */
    private MemoryPlan.ModelBytes modelBytes(WeightStore weights, ForwardShape at) {
        return modelBytes(weights, at, options.decodeMode());
    }

    private MemoryPlan.ModelBytes modelBytes(WeightStore weights, ForwardShape at, DecodeMode mode) {
        MemoryPlan.ModelBytes bytes = MemoryPlan.ModelBytes.of(weights, at, mode)
                .plusActivations(ForwardGraphs.noTailBytes(tuning(), at));
        return TensorCoreScratch.usedBy(tuning(), at) ? bytes.plusActivations(TensorCoreScratch.bytes(at)) : bytes;
    }

    /** The KV slots asked for, fewer if the devices' memory summed (and the host's) holds fewer; 1 when serial. */
    private int sequencesByTotal(WeightStore weights, int contextLength, int maxBatch) {
        return sequencesByTotal(weights, contextLength, maxBatch, options.decodeMode());
    }

    private int sequencesByTotal(WeightStore weights, int contextLength, int maxBatch, DecodeMode mode) {
        if (requestedSequences == 1) {
            return 1;
        }
        long memory = 0;
        for (int d = 0; d < devices.size(); d++) {
            memory += deviceMemory(d);
        }
        return DeviceWeights.sequencesThatFit(weights, new ForwardShape(weights.config(), contextLength, maxBatch,
                requestedSequences), memory, mode);
    }

    /**
     * {@code --decode-mode auto}: nibble where the model fits with it as well as with exact, else exact
     * ({@link DecodeModeChoice}), measured with the plans {@link #load} makes and printed with the reason; exact,
     * silently, for a model without DF11 units, to which no decode mode applies.
     */
    private DecodeMode chooseDecodeMode(WeightStore weights, int contextLength, int maxBatch) {
        boolean compressed = weights.compressed(weights.outputUnit()).isPresent();
        for (int layer = 0; layer < weights.config().layerCount() && !compressed; layer++) {
            compressed = weights.compressed(weights.layerUnit(layer)).isPresent();
        }
        if (!compressed) {
            return DecodeMode.EXACT;
        }
        DecodeModeChoice.Choice choice = DecodeModeChoice.choose(fit(weights, contextLength, maxBatch,
                DecodeMode.NIBBLE), fit(weights, contextLength, maxBatch, DecodeMode.EXACT), requestedSequences);
        System.err.println("tornado: --decode-mode auto chose " + choice.reason());
        return choice.mode();
    }

    /** The devices and KV slots the model takes in {@code mode}, as {@link #load} would plan them. */
    private DecodeModeChoice.Fit fit(WeightStore weights, int contextLength, int maxBatch, DecodeMode mode) {
        IntFunction<MemoryPlan.ModelBytes> bytes = slots -> modelBytes(weights,
                new ForwardShape(weights.config(), contextLength, maxBatch, slots), mode);
        MemoryPlan.ModelBytes one = bytes.apply(1);
        long weightBytes = Arrays.stream(one.layerWeights()).sum() + one.outputWeights();
        int wanted = Math.max(1, sequencesByTotal(weights, contextLength, maxBatch, mode));
        if (auto) {
            try {
                DeviceChoice.Choice choice = DeviceChoice.choose(bytes, contextLength, candidates(), wanted);
                return new DecodeModeChoice.Fit(choice.devices().size(), choice.sequences(), weightBytes);
            } catch (IllegalArgumentException e) {
                return DecodeModeChoice.Fit.none(weightBytes);
            }
        }
        int sequences = DeviceChoice.sequencesThatFit(bytes, contextLength, plannedDevices(), wanted);
        return sequences == 0 ? DecodeModeChoice.Fit.none(weightBytes)
                : new DecodeModeChoice.Fit(devices.size(), sequences, weightBytes);
    }

    /** The decode mode of DF11 units: as given, or after {@link #load} the one {@code auto} resolved to. */
    public DecodeMode decodeMode() {
        return options.decodeMode();
    }

    /**
     * One device: prints nothing and changes nothing when the model fits it, as planned by {@link MemoryPlan}; else
     * refuses it before anything is allocated, with the plan and, when several devices like it hold the model
     * together, the {@code --devices} list that would (or, for {@code --devices auto}, prints the plan).
     */
    private void planOneDevice(WeightStore weights) {
        MemoryPlan.ModelBytes bytes = modelBytes(weights, shape);
        try {
            MemoryPlan one = MemoryPlan.of(bytes, shape.contextLength(), plannedDevices());
            if (auto) {
                this.memoryPlan = one;
                System.err.print("tornado: memory plan on 1 device (context " + shape.contextLength() + ")\n"
                        + one.table());
            }
        } catch (IllegalArgumentException e) {
            StringBuilder message = new StringBuilder(e.getMessage());
            if (budgets == null && TornadoSettings.bytes() < orDefault(device).getMaxGlobalMemory()) {
                message.append(" (TornadoVM's cap -D" + TornadoSettings.PROPERTY + " is below the device's memory;"
                        + " raising it lets the model use all of it)");
            }
            MemoryPlan.ModelBytes oneSlot = modelBytes(weights, new ForwardShape(weights.config(),
                    shape.contextLength(), shape.maxBatch(), 1));
            DeviceChoice.fewestThatFit(oneSlot, shape.contextLength(), candidates()).ifPresent(fit -> message
                    .append("\nDevices like it hold it together: run with --devices ").append(fit.ids())
                    .append(" (or --devices auto) to place consecutive blocks on each.\n")
                    .append(fit.plan().table()));
            throw new IllegalArgumentException(message.toString().strip(), e);
        }
    }

    /** The devices as the memory plan sees them: name and the memory to plan with. */
    private List<MemoryPlan.Device> plannedDevices() {
        List<MemoryPlan.Device> planned = new ArrayList<>();
        for (int d = 0; d < devices.size(); d++) {
            planned.add(new MemoryPlan.Device(deviceName(d), deviceMemory(d)));
        }
        return planned;
    }

    /**
     * {@code --devices auto}'s candidates ({@link #devices} as given), or for one device the devices like it that a
     * message may suggest; each with its id and the memory to plan with.
     */
    private List<DeviceChoice.Candidate> candidates() {
        List<DeviceChoice.Candidate> candidates = new ArrayList<>();
        if (auto) {
            for (int d = 0; d < devices.size(); d++) {
                candidates.add(new DeviceChoice.Candidate(deviceId(d), deviceDescription(d), deviceMemory(d)));
            }
            return candidates;
        }
        if (budgets != null) {
            return candidates;  // planned with test budgets: no real devices to suggest
        }
        for (TornadoDevices.Listed listed : TornadoDevices.like(orDefault(device))) {
            candidates.add(new DeviceChoice.Candidate(listed.id(),
                    listed.device().getPhysicalDevice().getDeviceName(),
                    Math.min(listed.device().getMaxGlobalMemory(), TornadoSettings.bytes())));
        }
        return candidates;
    }

    private String deviceName(int index) {
        return deviceId(index) + " (" + deviceDescription(index) + ")";
    }

    private String deviceId(int index) {
        if (ids != null) {
            return ids.get(index);
        }
        String given = options.device();
        if (devices.size() == 1 && budgets == null) {
            return given != null && !given.isBlank() ? given.trim() : "default";
        }
        String spec = given != null && given.contains(",") ? given.split(",")[index].trim() : null;
        return spec != null ? spec : "#" + index;
    }

    private String deviceDescription(int index) {
        return orDefault(devices.get(index)).getPhysicalDevice().getDeviceName();
    }

    /** The memory TornadoVM may use on this backend's device: the device's global memory or the cap, if lower. */
    private long deviceMemory() {
        return deviceMemory(0);
    }

    /** The memory to plan with on device {@code index}: its budget, else its global memory or the cap, if lower. */
    private long deviceMemory(int index) {
        if (budgets != null) {
            return budgets.get(index);
        }
        return Math.min(orDefault(devices.get(index)).getMaxGlobalMemory(), TornadoSettings.bytes());
    }

    /** {@code device}, or TornadoVM's default device for null (the backend's "no device given"). */
    private static TornadoDevice orDefault(TornadoDevice device) {
        return device != null ? device : TornadoExecutionPlan.DEFAULT_DEVICE;
    }

    /**
     * The memory plan of a pipeline over several devices, or of the one device {@code --devices auto} chose, once
     * loaded (kept after close); null for one device named directly.
     */
    public MemoryPlan memoryPlan() {
        return memoryPlan;
    }

    private Stage last() {
        return stages.get(stages.size() - 1);
    }

    /**
     * Runs decoder layer {@code layer} on its stage for a step of {@code rows} rows. At a stage's first layer (after
     * the first stage) the residual stream rows and the batch array pass from the previous stage's host copy, which
     * its last graph has just filled, to this stage's, which its first graph moves to its device: TornadoVM 5.2 has
     * no device-to-device copy between execution plans.
     */
    private void runLayer(int layer, int rows) {
        for (int s = 0; s < stages.size(); s++) {
            Stage stage = stages.get(s);
            if (layer < stage.first() || layer >= stage.end()) {
                continue;
            }
            if (s > 0 && layer == stage.first()) {
                Activations from = stages.get(s - 1).act();
                MemorySegment.copy(from.hidden.getSegment(), 0, stage.act().hidden.getSegment(), 0,
                        (long) rows * shape.hidden() * Float.BYTES);
                MemorySegment.copy(from.batch.getSegment(), 0, stage.act().batch.getSegment(), 0,
                        from.batch.getSegment().byteSize());
            }
            stage.plan().layer(layer - stage.first());
            return;
        }
        throw new IllegalArgumentException("layer " + layer + " outside 0.." + (shape.layers() - 1));
    }

    @Override
    public void embed(MemorySegment bf16Rows, int count) {
        requireLoaded();
        if (slotZeroLeased()) {
            throw new IllegalStateException("KV-cache slot 0, which the single-sequence calls use, is held by a "
                    + "served sequence; release its cache first");
        }
        copyEmbeddings(bf16Rows, count);
        this.count = count;
        this.nextLayer = 0;
        this.normed = false;
        this.projected = false;
    }

    @Override
    public void block(int layer, int startPos) {
        requireLoaded();
        if (layer != nextLayer) {
            throw new IllegalStateException("block " + layer + " out of order: expected "
                    + (nextLayer < 0 ? "embed() first" : "block " + nextLayer));
        }
        if (layer == 0) {
            if (startPos < 0 || startPos + count > shape.contextLength()) {
                throw new IllegalArgumentException("positions " + startPos + ".." + (startPos + count - 1)
                        + " exceed the context of " + shape.contextLength() + " tokens");
            }
            act.batch.set(ForwardKernels.START, startPos);
            act.batch.set(ForwardKernels.COUNT, count);
            for (int row = 0; row < count; row++) {
                act.batch.set(ForwardKernels.ROWS + 2 * row, 0);
                act.batch.set(ForwardKernels.ROWS + 2 * row + 1, startPos + row);
            }
            plan.embed();
        } else if (startPos != act.batch.get(ForwardKernels.START)) {
            throw new IllegalArgumentException("block " + layer + " at position " + startPos + ", but the batch"
                    + " started at " + act.batch.get(ForwardKernels.START));
        }
        runLayer(layer, count);
        nextLayer++;
    }

    @Override
    public void finalNorm() {
        requireLoaded();
        if (nextLayer != shape.layers()) {
            throw new IllegalStateException("final norm before all " + shape.layers() + " blocks ran (next block: "
                    + nextLayer + ")");
        }
        normed = true;
    }

    /**
     * The output graph normalises the last token and projects it onto the whole vocabulary (decoding the whole output
     * unit on the device), once per step; the logits are then copied to {@code out}.
     */
    @Override
    public void logits(float[] out) {
        requireLoaded();
        if (!normed) {
            throw new IllegalStateException("logits before finalNorm");
        }
        if (out.length < shape.vocab()) {
            throw new IllegalArgumentException("logits need " + shape.vocab() + " floats, got " + out.length);
        }
        Activations output = last().act();
        if (!projected) {
            output.outputRows.set(ForwardKernels.COUNT, 1);
            output.outputRows.set(ForwardKernels.ROWS, count - 1);
            last().plan().output();
            projected = true;
        }
        MemorySegment.copy(output.logits.getSegment(), ValueLayout.JAVA_FLOAT, 0, out, 0, shape.vocab());
    }

    private synchronized boolean slotZeroLeased() {
        return leased[0];
    }

    private void copyEmbeddings(MemorySegment bf16Rows, int count) {
        if (count < 1 || count > shape.maxBatch()) {
            throw new IllegalArgumentException("batch of " + count + " tokens, expected 1.." + shape.maxBatch());
        }
        long bytes = 2L * count * shape.hidden();
        if (bf16Rows.byteSize() != bytes) {
            throw new IllegalArgumentException(count + " embedding rows of " + shape.hidden() + " BF16 values need "
                    + bytes + " bytes, got " + bf16Rows.byteSize());
        }
        MemorySegment.copy(bf16Rows, 0, act.embeddingRows.getSegment(), 0, bytes);
    }

    @Override
    public void reserveSequences(int sequences) {
        if (plan != null) {
            throw new IllegalStateException("reserveSequences must come before TornadoBackend.load");
        }
        if (sequences < 1) {
            throw new IllegalArgumentException("sequences must be >= 1, got " + sequences);
        }
        this.requestedSequences = sequences;
    }

    @Override
    public int maxSequences() {
        requireLoaded();
        return shape.sequences();
    }

    @Override
    public int maxRows() {
        requireLoaded();
        return shape.maxBatch();
    }

    /** A slot holds the whole context whatever {@code positions} is: the slots are fixed at load. */
    @Override
    public long sequenceCacheBytes(int positions) {
        requireLoaded();
        return 2L * shape.layers() * shape.contextLength() * shape.kvDim() * Float.BYTES;
    }

    @Override
    public synchronized SequenceCache newSequenceCache(int positions) {
        requireLoaded();
        if (positions < 1 || positions > shape.contextLength()) {
            throw new IllegalArgumentException("a sequence cache of " + positions + " positions, expected 1.."
                    + shape.contextLength() + " (the loaded context)");
        }
        for (int slot = 0; slot < leased.length; slot++) {
            if (!leased[slot]) {
                leased[slot] = true;
                return new Slot(slot, positions);
            }
        }
        throw new IllegalStateException("all " + leased.length + " KV-cache slots of backend 'tornado' are in use; "
                + "release a sequence's cache first (the slot count was fixed at load: maxSequences())");
    }

    /**
     * One step over rows of several sequences, each at its own slot and position (see {@link SequenceBatching}):
     * the rows' slots and positions go to the device in the batch array, every layer graph runs once, and the output
     * graph gathers, normalises and projects only the rows in {@code logitRows}.
     */
    @Override
    public void forwardRows(MemorySegment bf16Rows, int count, SequenceCache[] caches, int[] positions,
            int[] logitRows, float[][] logits) {
        requireLoaded();
        if (count < 1 || count > shape.maxBatch() || caches.length < count || positions.length < count
                || logits.length < logitRows.length) {
            throw new IllegalArgumentException("a step of " + count + " rows (" + caches.length + " caches, "
                    + positions.length + " positions, " + logits.length + " logit arrays), expected 1.."
                    + shape.maxBatch() + " rows");
        }
        if (logitRows.length > shape.logitRows()) {
            throw new IllegalArgumentException("logits of " + logitRows.length + " rows asked for, at most "
                    + shape.logitRows() + " (one per sequence slot) per step");
        }
        for (int i = 0; i < count; i++) {
            if (!(caches[i] instanceof Slot slot) || slot.owner() != this) {
                throw new IllegalArgumentException("row " + i + ": a cache this backend did not make");
            }
            if (!slot.live()) {
                throw new IllegalArgumentException("row " + i + ": its cache (slot " + slot.index + ") was released");
            }
            if (positions[i] < 0 || positions[i] >= slot.positions) {
                throw new IllegalArgumentException("row " + i + ": position " + positions[i] + " outside its cache of "
                        + slot.positions + " positions");
            }
            if (i > 0 && caches[i - 1] == slot && positions[i] != positions[i - 1] + 1) {
                throw new IllegalArgumentException("row " + i + ": position " + positions[i] + " after position "
                        + positions[i - 1] + " of the same sequence; a sequence's rows must be consecutive positions");
            }
        }
        for (int j = 0; j < logitRows.length; j++) {
            if (logitRows[j] < 0 || logitRows[j] >= count) {
                throw new IllegalArgumentException("logits asked for row " + logitRows[j] + " of a step of " + count);
            }
            if (logits[j].length < shape.vocab()) {
                throw new IllegalArgumentException("logits need " + shape.vocab() + " floats, got " + logits[j].length);
            }
        }
        copyEmbeddings(bf16Rows, count);
        act.batch.set(ForwardKernels.START, positions[0]);
        act.batch.set(ForwardKernels.COUNT, count);
        for (int i = 0; i < count; i++) {
            act.batch.set(ForwardKernels.ROWS + 2 * i, ((Slot) caches[i]).index * shape.contextLength());
            act.batch.set(ForwardKernels.ROWS + 2 * i + 1, positions[i]);
        }
        // The plain calls' state no longer describes the device's activations.
        this.nextLayer = -1;
        this.normed = false;
        this.projected = false;
        plan.embed();
        for (int layer = 0; layer < shape.layers(); layer++) {
            runLayer(layer, count);
        }
        if (logitRows.length == 0) {
            return;
        }
        Activations output = last().act();
        output.outputRows.set(ForwardKernels.COUNT, logitRows.length);
        for (int j = 0; j < logitRows.length; j++) {
            output.outputRows.set(ForwardKernels.ROWS + j, logitRows[j]);
        }
        last().plan().output();
        for (int j = 0; j < logitRows.length; j++) {
            MemorySegment.copy(output.logits.getSegment(), ValueLayout.JAVA_FLOAT,
                    (long) j * shape.vocab() * Float.BYTES, logits[j], 0, shape.vocab());
        }
    }

    /** A sequence's KV-cache slot; released when its sequence ends. */
    private final class Slot implements SequenceCache {
        private final int index;
        private final int positions;
        private boolean released;

        Slot(int index, int positions) {
            this.index = index;
            this.positions = positions;
        }

        TornadoBackend owner() {
            return TornadoBackend.this;
        }

        boolean live() {
            synchronized (TornadoBackend.this) {
                return !released;
            }
        }

        @Override
        public int positions() {
            return positions;
        }

        @Override
        public long bytes() {
            return sequenceCacheBytes(positions);
        }

        @Override
        public void release() {
            synchronized (TornadoBackend.this) {
                if (!released) {
                    released = true;
                    leased[index] = false;
                }
            }
        }
    }

    @Override
    public long workingBytes() {
        requireLoaded();
        return stages.stream().mapToLong(s -> s.act().bytes() + s.weights().cacheBytes()).sum();
    }

    /**
     * Device bytes this backend allocated in all (over every device of a pipeline): weights as stored on the device
     * (compressed for DF11 units), the shared decode buffer, activations and KV cache.
     */
    public long deviceBytes() {
        requireLoaded();
        return stages.stream().mapToLong(s -> deviceBytes(s.weights(), s.graphs(), s.act())).sum();
    }

    private static long deviceBytes(DeviceWeights weights, ForwardGraphs graphs, Activations act) {
        long decode = graphs.decodeBuffer() == null ? 0 : graphs.decodeBuffer().getNumBytesOfSegment();
        return weights.bytes() + decode + act.bytes();
    }

    /** Decoder layers in each task graph as built (the option, or fewer where TornadoVM's graph buffer is full). */
    public int layersPerGraph() {
        requireLoaded();
        return graphs.layersPerGraph();
    }

    /**
     * Per-kernel device times, when the options asked to profile; null otherwise. A pipeline reports its first
     * device's plan.
     */
    public ForwardProfile profile() {
        requireLoaded();
        return plan.profile();
    }

    /**
     * Host bytes of weight and KV-cache arrays given back once their graphs' first executions uploaded them (over
     * every device of a pipeline): 0 before the first step, or where the backend keeps them ({@code ForwardPlan}).
     */
    public long releasedHostBytes() {
        requireLoaded();
        return stages.stream().mapToLong(s -> s.plan().releasedHostBytes()).sum();
    }

    /** Bytes of the shared DF11 decode buffer (0 when no unit is compressed). */
    public long decodeBufferBytes() {
        requireLoaded();
        return stages.stream().mapToLong(s -> s.graphs().decodeBuffer() == null ? 0
                : s.graphs().decodeBuffer().getNumBytesOfSegment()).sum();
    }

    /**
     * Device bytes of the fused kernels' chunk index ({@link dev.df11.tornado.forward.weights.ChunkStarts}), the
     * only device data DF11's fused mode adds to the official arrays; 0 when no unit runs fused.
     */
    public long fusedIndexBytes() {
        return sumOverUnits(u -> u instanceof CompressedDeviceUnit c ? c.chunkIndexBytes() : 0);
    }

    /**
     * Device bytes of the units held in the nibble layout ({@link dev.df11.tornado.forward.weights.NibbleLayout}:
     * codes and sign/mantissa bytes, and their tails' arrays); 0 when none is.
     */
    public long nibbleLayoutBytes() {
        return sumOverUnits(u -> u instanceof NibbleDeviceUnit n ? n.deviceBytes() : 0);
    }

    /** Weights in the units' tails ({@link dev.df11.tornado.forward.weights.UnitTail}), over every unit. */
    public long tailEntries() {
        return sumOverUnits(u -> u.tail().entries());
    }

    /** {@code count} summed over every stage's layer units and the output unit. */
    private long sumOverUnits(ToLongFunction<DeviceUnit> count) {
        requireLoaded();
        long total = count.applyAsLong(last().weights().output());
        for (Stage stage : stages) {
            for (var layer : stage.weights().layers()) {
                total += count.applyAsLong(layer.unit());
            }
        }
        return total;
    }

    private void requireLoaded() {
        if (plan == null) {
            throw new IllegalStateException("TornadoBackend.load was not called");
        }
    }

    @Override
    public void close() {
        if (plan != null) {
            RuntimeException failure = null;
            for (Stage stage : stages) {
                try {
                    stage.plan().close();
                } catch (RuntimeException e) {
                    failure = failure == null ? e : failure;
                }
            }
            plan = null;
            if (failure != null) {
                throw failure;
            }
        }
    }
}
