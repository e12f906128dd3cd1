package dev.df11.tornado.forward.weights;

import dev.df11.format.codec.Df11Unit;
import dev.df11.format.codec.Df11UnitDecoder;
import dev.df11.runtime.model.ModelConfig;
import dev.df11.runtime.model.ModelLayout;
import dev.df11.runtime.model.UnsupportedModelException;
import dev.df11.runtime.weights.MatrixSlot;
import dev.df11.runtime.weights.WeightStore;
import dev.df11.runtime.weights.WeightUnit;
import dev.df11.tornado.forward.ForwardShape;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A weight store's model as device arrays: a {@link DeviceLayer} per decoder layer, the output unit and the final
 * norm. DF11 units stay compressed (decoded on the device each step, inside the products or by v3f:
 * {@link DecodeMode}); plain BF16 units are split into the two weight planes
 * each and placed by {@link Bf16Placement}. Norm weights and biases are widened to fp32 once. The units' arrays and
 * the KV caches are made here but written only right before their upload ({@link HostStaging}, {@code ForwardPlan}),
 * except BF16 units sent at every step, which are written here and kept.
 *
 * @param firstLayer           the model's index of {@code layers.get(0)}: 0, or where a pipeline stage starts
 *                             ({@link MemoryPlan})
 * @param output               the output unit, or null on a pipeline stage before the last (then
 *                             {@code outputMatrix} and {@code finalNorm} are null too)
 * @param decodeBufferElements the largest DF11 unit, 0 when nothing is compressed
 * @param layerUploads         per layer of {@code layers}, the host arrays of its unit and KV cache
 *                             ({@link HostStaging}): made here, filled right before the layer's graph first runs,
 *                             released once the device holds them ({@code ForwardPlan})
 * @param outputUpload         the same for the output unit, or null with it
 */
public record DeviceWeights(int firstLayer, List<DeviceLayer> layers, DeviceUnit output, String outputMatrix,
        int outputOffset, FloatArray finalNorm, int decodeBufferElements, List<HostStaging> layerUploads,
        HostStaging outputUpload) implements AutoCloseable {

    private static final ValueLayout.OfShort BF16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Builds the device arrays of {@code store}'s model for {@code shape}. */
    public static DeviceWeights of(WeightStore store, ForwardShape shape, Bf16Placement placement,
            DecodeMode decodeMode) {
        return of(store, shape, placement, decodeMode, 0, store.config().layerCount());
    }

    /**
     * Builds the device arrays of decoder layers {@code first .. end - 1} of {@code store}'s model, plus the output
     * unit and final norm when {@code end} is the last layer: one stage of a pipeline over several devices.
     */
    public static DeviceWeights of(WeightStore store, ForwardShape shape, Bf16Placement placement,
            DecodeMode decodeMode, int first, int end) {
        decodeMode.resolved("the device arrays");
        ModelConfig config = store.config();
        if (first < 0 || end <= first || end > config.layerCount()) {
            throw new IllegalArgumentException("layers " + first + ".." + (end - 1) + " outside the model's 0.."
                    + (config.layerCount() - 1));
        }
        boolean whole = first == 0 && end == config.layerCount();
        HostMemory.require(hostBytes(store, shape, decodeMode, first, end), "the " + store.kind()
                + " weights and KV cache of this model (" + (whole ? config.layerCount() + " layers"
                : "layers " + first + ".." + (end - 1)) + ", context " + shape.contextLength() + ", "
                + shape.sequences() + " sequence slot" + (shape.sequences() == 1 ? "" : "s") + ")");
        List<DeviceLayer> layers = new ArrayList<>();
        List<HostStaging> uploads = new ArrayList<>();
        try {
            return build(store, shape, placement, decodeMode, first, end, layers, uploads);
        } catch (RuntimeException | Error e) {
            uploads.forEach(HostStaging::close);
            throw e;
        }
    }

    private static DeviceWeights build(WeightStore store, ForwardShape shape, Bf16Placement placement,
            DecodeMode decodeMode, int first, int end, List<DeviceLayer> layers, List<HostStaging> uploads) {
        ModelConfig config = store.config();
        long started = System.nanoTime();
        int decode = 0;
        for (int layer = first; layer < end; layer++) {
            WeightUnit unit = store.layerUnit(layer);
            HostStaging staging = new HostStaging("layer " + layer);
            uploads.add(staging);
            DeviceUnit device = deviceUnit(store, unit, placement, decodeMode, staging);
            decode = Math.max(decode, device.decodedElements());
            layers.add(new DeviceLayer(device, LayerOffsets.of(unit, layer, shape),
                    norm(store, ModelLayout.inputNorm(layer)),
                    norm(store, ModelLayout.postAttentionNorm(layer)),
                    config.qkvBias() ? concat(floats(store, ModelLayout.bias(layer, "q_proj")),
                            floats(store, ModelLayout.bias(layer, "k_proj")),
                            floats(store, ModelLayout.bias(layer, "v_proj"))) : null,
                    config.qkNorm() ? headNorms(store, layer, shape) : null,
                    config.gemma() ? norm(store, ModelLayout.preFeedForwardNorm(layer)) : null,
                    config.gemma() ? norm(store, ModelLayout.postFeedForwardNorm(layer)) : null,
                    staging.writtenFloats(cacheFloats(shape)), staging.writtenFloats(cacheFloats(shape))));
        }
        List<HostStaging> layerUploads = List.copyOf(uploads);
        if (end < config.layerCount()) {
            return reportTails(new DeviceWeights(first, layers, null, null, 0, null, decode, layerUploads, null),
                    started);
        }
        WeightUnit outputUnit = store.outputUnit();
        HostStaging outputUpload = new HostStaging("the output unit");
        uploads.add(outputUpload);
        DeviceUnit output = deviceUnit(store, outputUnit, placement, decodeMode, outputUpload);
        decode = Math.max(decode, output.decodedElements());
        String outputMatrix = new ModelLayout(config).outputMatrix();
        return reportTails(new DeviceWeights(first, layers, output, outputMatrix,
                outputOffset(outputUnit, outputMatrix, shape), norm(store, ModelLayout.FINAL_NORM), decode,
                layerUploads, outputUpload), started);
    }

    /**
     * One console line for the units' tails ({@link UnitTail}): the share of weights in them, their device bytes and
     * the time the census and tail passes took; and for the units laid out in nibbles, their device bytes against
     * BF16's. Returns {@code built}.
     */
    private static DeviceWeights reportTails(DeviceWeights built, long started) {
        long weights = 0;
        long tail = 0;
        long tailBytes = 0;
        long nibbleWeights = 0;
        long nibbleBytes = 0;
        for (DeviceUnit unit : built.units()) {
            weights += unit.tail().census().weights();
            tail += unit.tail().entries();
            tailBytes += unit.tail().bytes();
            if (unit instanceof NibbleDeviceUnit nibble) {
                nibbleWeights += nibble.elements();
                nibbleBytes += nibble.deviceBytes();
            }
        }
        String nibbles = nibbleWeights == 0 ? "" : String.format("; nibble layout %.2f GiB (%.1f%% of BF16)",
                nibbleBytes / (double) (1L << 30), 100.0 * nibbleBytes / (2.0 * nibbleWeights));
        System.err.printf("tornado: tails: %.4f%% of weights, %.1f MiB; census %.1f s%s%n",
                weights == 0 ? 0.0 : 100.0 * tail / weights, tailBytes / (double) (1L << 20),
                (System.nanoTime() - started) / 1e9, nibbles);
        return built;
    }

    /** The units of the layers, in order, then the output unit if this stage has it. */
    public List<DeviceUnit> units() {
        List<DeviceUnit> units = new ArrayList<>(layers.stream().map(DeviceLayer::unit).toList());
        if (output != null) {
            units.add(output);
        }
        return units;
    }

    /**
     * Forgets the decode tasks of every DF11 unit ({@link CompressedDeviceUnit#forgetDecode}), so that the forward
     * graphs can be built again over these weights (with fewer layers per graph).
     */
    public void forgetDecodeTasks() {
        for (DeviceUnit unit : units()) {
            if (unit instanceof CompressedDeviceUnit compressed) {
                compressed.forgetDecode();
            }
        }
    }

    /** Retires the host arrays of every upload ({@link HostStaging#close}); only once no execution plan uses them. */
    @Override
    public void close() {
        layerUploads.forEach(HostStaging::close);
        if (outputUpload != null) {
            outputUpload.close();
        }
    }

    /**
     * Where vocabulary row 0 of the output projection starts in its unit's device buffer: the device decodes the
     * whole unit and projects all rows in one launch.
     */
    private static int outputOffset(WeightUnit unit, String matrix, ForwardShape shape) {
        MatrixSlot slot = unit.slot(matrix);
        long start = LayerOffsets.bufferOffset(unit, slot);
        if (slot.rows() != shape.vocab() || slot.cols() != shape.hidden()) {
            throw new UnsupportedModelException("unit " + unit.name() + ": " + matrix + " is [" + slot.rows() + ", "
                    + slot.cols() + "], the config implies [" + shape.vocab() + ", " + shape.hidden() + "]");
        }
        if (start + (long) slot.rows() * shape.hidden() > Integer.MAX_VALUE) {
            throw new UnsupportedModelException("unit " + unit.name() + ": " + matrix + " lies past element 2^31 - 1;"
                    + " the TornadoVM backend indexes a unit's buffer with int");
        }
        return (int) start;
    }

    /**
     * The device arrays of {@code unit}, from {@code staging} (written when it is filled) unless they are sent at
     * every step ({@link Bf16Placement#HOST}: those need their host copy for good, so they are written now).
     */
    private static DeviceUnit deviceUnit(WeightStore store, WeightUnit unit, Bf16Placement placement,
            DecodeMode decodeMode, HostStaging staging) {
        Optional<Df11Unit> compressed = store.compressed(unit);
        if (compressed.isPresent()) {
            Df11UnitDecoder decoder = store.decoder();
            UnitTail tail = UnitTail.of(UnitMatrices.compressed(unit, compressed.get(), decoder));
            if (decodeMode == DecodeMode.NIBBLE) {
                String whyNot = NibbleLayout.whyNot(compressed.get().elementCount());
                if (whyNot == null) {
                    return NibbleDeviceUnit.staged(unit, compressed.get(), tail, decoder, staging);
                }
                System.err.printf("tornado: unit %s: %s; decoded exactly instead%n", unit.name(), whyNot);
                return CompressedDeviceUnit.staged(unit, compressed.get(), DecodeMode.EXACT, tail, staging);
            }
            return CompressedDeviceUnit.staged(unit, compressed.get(), decodeMode, tail, staging);
        }
        if (placement == Bf16Placement.HOST) {
            return PlainDeviceUnit.copyOf(unit, store.acquire(unit), true);
        }
        return PlainDeviceUnit.staged(unit, () -> store.acquire(unit), staging);
    }

    /**
     * Off-heap host bytes the device arrays of {@code store}'s model take (TornadoVM keeps a host copy of each): per
     * DF11 unit its kernel-ready arrays, per plain unit its two planes, and the KV cache. Computed from the sizes
     * alone, before anything is allocated.
     */
    static long hostBytes(WeightStore store, ForwardShape shape, DecodeMode decodeMode) {
        return hostBytes(store, shape, decodeMode, 0, store.config().layerCount());
    }

    /**
     * {@link #hostBytes(WeightStore, ForwardShape, DecodeMode)} of layers {@code first .. end - 1}, and of the output
     * unit when {@code end} is the last layer.
     */
    static long hostBytes(WeightStore store, ForwardShape shape, DecodeMode decodeMode, int first, int end) {
        long total = 2L * (end - first) * cacheFloats(shape) * Float.BYTES;
        List<WeightUnit> units = new ArrayList<>();
        for (int layer = first; layer < end; layer++) {
            units.add(store.layerUnit(layer));
        }
        if (end == store.config().layerCount()) {
            units.add(store.outputUnit());
        }
        for (WeightUnit unit : units) {
            total += MemoryPlan.unitBytes(store, unit, decodeMode);
        }
        return total;
    }

    /**
     * Share of the device memory the KV slots may not take: room for the activations and the shared decode buffer,
     * which are not known before the graphs are built.
     */
    static final double DEVICE_RESERVE = 0.1;

    /**
     * How many of {@code shape.sequences()} KV-cache slots fit: the weights' arrays (as {@link #hostBytes} counts
     * them) plus the slots must fit the off-heap host memory left (TornadoVM keeps a host copy of every device
     * array) and {@code deviceBytes} less {@link #DEVICE_RESERVE} of it; and each layer's cache must be indexable by
     * int. At least 1: a model that does not fit with one slot fails on loading with the usual message.
     */
    public static int sequencesThatFit(WeightStore store, ForwardShape shape, long deviceBytes,
            DecodeMode decodeMode) {
        ForwardShape one = new ForwardShape(shape.config(), shape.contextLength(), shape.maxBatch(), 1);
        long slot = 2L * store.config().layerCount() * cacheFloats(one) * Float.BYTES;
        long weights = hostBytes(store, one, decodeMode) - slot;
        long byHost = (HostMemory.available() - weights) / slot;
        long byDevice = ((long) (deviceBytes * (1 - DEVICE_RESERVE)) - weights) / slot;
        long byIndex = Integer.MAX_VALUE / ((long) shape.contextLength() * shape.kvDim());
        long fit = Math.min(shape.sequences(), Math.min(byIndex, Math.min(byHost, byDevice)));
        return (int) Math.max(1, fit);
    }

    /** Floats of one layer's key (or value) cache: {@code sequences} slots of {@code context x kvDim}. */
    private static int cacheFloats(ForwardShape shape) {
        return shape.sequences() * shape.contextLength() * shape.kvDim();   // checked to fit an int by ForwardShape
    }

    /** A BF16 vector of the store widened to fp32. */
    static FloatArray floats(WeightStore store, String name) {
        MemorySegment bf16 = store.vector(name);
        int n = Math.toIntExact(bf16.byteSize() / 2);
        FloatArray out = new FloatArray(n);
        for (int i = 0; i < n; i++) {
            out.set(i, Float.intBitsToFloat(bf16.getAtIndex(BF16, i) << 16));
        }
        return out;
    }

    /**
     * The multiplier of an RMSNorm: the stored weight, or for Gemma 3, which stores it as an offset from one,
     * {@code 1 + w} added in float32 (as transformers and the CPU backend do).
     */
    static FloatArray norm(WeightStore store, String name) {
        FloatArray weight = floats(store, name);
        if (store.config().gemma()) {
            for (int i = 0; i < weight.getSize(); i++) {
                weight.set(i, 1f + weight.get(i));
            }
        }
        return weight;
    }

    private static FloatArray concat(FloatArray... parts) {
        return FloatArray.concat(parts);
    }

    /** Qwen3's (Gemma 3's) query-head norm once per query head, then the key-head norm once per key head. */
    private static FloatArray headNorms(WeightStore store, int layer, ForwardShape shape) {
        FloatArray query = norm(store, ModelLayout.queryNorm(layer));
        FloatArray key = norm(store, ModelLayout.keyNorm(layer));
        int dim = shape.headDim();
        FloatArray out = new FloatArray((shape.heads() + shape.kvHeads()) * dim);
        for (int h = 0; h < shape.heads() + shape.kvHeads(); h++) {
            FloatArray source = h < shape.heads() ? query : key;
            for (int i = 0; i < dim; i++) {
                out.set(h * dim + i, source.get(i));
            }
        }
        return out;
    }

    /** Device bytes of all weights (compressed arrays for DF11 units), vectors and KV caches. */
    public long bytes() {
        long total = output == null ? 0 : output.deviceBytes() + finalNorm.getNumBytesOfSegment();
        for (DeviceLayer layer : layers) {
            total += layer.unit().deviceBytes() + layer.ownBytes();
        }
        return total;
    }

    /** Device bytes of the KV cache. */
    public long cacheBytes() {
        return layers.stream().mapToLong(DeviceLayer::cacheBytes).sum();
    }
}
