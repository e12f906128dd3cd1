package dev.df11.tornado.backend;

import dev.df11.runtime.backend.Backend;
import dev.df11.runtime.model.ModelConfig;
import dev.df11.runtime.weights.WeightStore;
import dev.df11.tornado.forward.Activations;
import dev.df11.tornado.forward.ForwardGraphs;
import dev.df11.tornado.forward.ForwardKernels;
import dev.df11.tornado.forward.ForwardPlan;
import dev.df11.tornado.forward.ForwardProfile;
import dev.df11.tornado.forward.ForwardShape;
import dev.df11.tornado.forward.KernelTuning;
import dev.df11.tornado.forward.weights.CompressedDeviceUnit;
import dev.df11.tornado.forward.weights.DeviceWeights;
import dev.df11.tornado.forward.weights.HostMemory;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.common.TornadoDevice;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Optional;

/**
 * The forward pass on a TornadoVM device (OpenCL or PTX). {@link #load} copies the model to device arrays (DF11 units
 * stay compressed), builds a task graph per group of decoder layers (8 by default) plus an embedding and an output
 * graph, and compiles them all in one execution plan. Each step then runs the graphs in order; a DF11 layer decodes
 * its unit's exponents into one shared exponent plane on the device right before its kernels use it, so only one
 * decoded unit ever exists. Nothing is decoded on the host (apart from the embedding rows the weight store looks up),
 * so this backend allocates no host decode buffers.
 */
public final class TornadoBackend implements Backend {

    private final TornadoBackendOptions options;
    private final TornadoDevice device;
    private ForwardShape shape;
    private Activations act;
    private DeviceWeights deviceWeights;
    private ForwardGraphs graphs;
    private ForwardPlan plan;
    private int count;
    private int nextLayer = -1;
    private boolean normed;
    private boolean projected;

    /** A backend on {@code device} (null: TornadoVM's default device). */
    public TornadoBackend(TornadoBackendOptions options, TornadoDevice device) {
        TornadoSettings.raiseDefaults();
        this.options = options;
        this.device = device;
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
        if (options.tuning() != null) {
            return options.tuning();
        }
        TornadoDevice target = device != null ? device : TornadoExecutionPlan.DEFAULT_DEVICE;
        return KernelTuning.forDevice(target.getPhysicalDevice().getDeviceName());
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
        this.shape = new ForwardShape(weights.config(), contextLength, maxBatch);
        this.act = new Activations(shape);
        try {
            this.deviceWeights = DeviceWeights.of(weights, shape, options.bf16Placement(), options.decodeMode());
        } catch (OutOfMemoryError e) {
            if (HostMemory.isOffHeap(e)) {   // the estimate checked before allocating was short: say so clearly too
                throw HostMemory.explain(e, "the device arrays of this model");
            }
            throw e;
        }
        this.graphs = ForwardGraphs.build(shape, act, deviceWeights, tuning(), options.layersPerGraph());
        TornadoSettings.require(deviceBytes(deviceWeights, graphs, act));
        this.plan = new ForwardPlan(graphs, deviceWeights, device, options.cudaGraphs(), options.profile());
    }

    @Override
    public void embed(MemorySegment bf16Rows, int count) {
        requireLoaded();
        if (count < 1 || count > shape.maxBatch()) {
            throw new IllegalArgumentException("batch of " + count + " tokens, expected 1.." + shape.maxBatch());
        }
        long bytes = 2L * count * shape.hidden();
        if (bf16Rows.byteSize() != bytes) {
            throw new IllegalArgumentException(count + " embedding rows of " + shape.hidden() + " BF16 values need "
                    + bytes + " bytes, got " + bf16Rows.byteSize());
        }
        MemorySegment.copy(bf16Rows, 0, act.embeddingRows.getSegment(), 0, bytes);
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
            plan.embed();
        } else if (startPos != act.batch.get(ForwardKernels.START)) {
            throw new IllegalArgumentException("block " + layer + " at position " + startPos + ", but the batch"
                    + " started at " + act.batch.get(ForwardKernels.START));
        }
        plan.layer(layer);
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
        if (!projected) {
            plan.output();
            projected = true;
        }
        MemorySegment.copy(act.logits.getSegment(), ValueLayout.JAVA_FLOAT, 0, out, 0, shape.vocab());
    }

    @Override
    public long workingBytes() {
        requireLoaded();
        return act.bytes() + deviceWeights.cacheBytes();
    }

    /**
     * Device bytes this backend allocated in all: weights as stored on the device (compressed for DF11 units), the
     * shared decode buffer, activations and KV cache.
     */
    public long deviceBytes() {
        requireLoaded();
        return deviceBytes(deviceWeights, graphs, act);
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

    /** Per-kernel device times, when the options asked to profile; null otherwise. */
    public ForwardProfile profile() {
        requireLoaded();
        return plan.profile();
    }

    /** Bytes of the shared DF11 decode buffer (0 when no unit is compressed). */
    public long decodeBufferBytes() {
        requireLoaded();
        return graphs.decodeBuffer() == null ? 0 : graphs.decodeBuffer().getNumBytesOfSegment();
    }

    /**
     * Device bytes of the fused kernels' chunk index ({@link dev.df11.tornado.forward.weights.ChunkStarts}), the
     * only device data DF11's fused mode adds to the official arrays; 0 when no unit runs fused.
     */
    public long fusedIndexBytes() {
        requireLoaded();
        long bytes = deviceWeights.output() instanceof CompressedDeviceUnit c ? c.chunkIndexBytes() : 0;
        for (var layer : deviceWeights.layers()) {
            if (layer.unit() instanceof CompressedDeviceUnit c) {
                bytes += c.chunkIndexBytes();
            }
        }
        return bytes;
    }

    private void requireLoaded() {
        if (plan == null) {
            throw new IllegalStateException("TornadoBackend.load was not called");
        }
    }

    @Override
    public void close() {
        if (plan != null) {
            plan.close();
            plan = null;
        }
    }
}
