package dev.df11.tornado.forward.weights;

import dev.df11.format.codec.Df11Unit;
import dev.df11.runtime.model.ModelConfig;
import dev.df11.runtime.weights.WeightStore;
import dev.df11.runtime.weights.WeightUnit;
import dev.df11.tornado.forward.Activations;
import dev.df11.tornado.forward.ForwardShape;
import dev.df11.tornado.forward.WeightPlanes;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a model's decoder blocks go when it runs as a pipeline over several devices, decided from sizes alone before
 * anything is allocated: consecutive blocks on each device in proportion to the memory it has left once its fixed
 * share is counted (the activations every device needs, its decode buffer, and on the last device the output unit
 * and final norm). Each device then holds its blocks' weights as the device stores them (DF11 units compressed,
 * plain units as two BF16 planes: the same accounting as {@link DeviceWeights}), its own DF11 decode buffer (the
 * largest unit it decodes), its blocks' KV cache and a full set of activations (the residual stream passes from one
 * device to the next once per step).
 *
 * <p>{@link #of} refuses a plan that does not fit with a message naming the device that overflows and saying how many
 * such devices, or how short a context, would fit.
 *
 * @param devices one entry per device, in pipeline order; each holds at least one block
 */
public record MemoryPlan(List<Placement> devices) {

    /** A device of the pipeline: its name for messages and the bytes the plan may use on it. */
    public record Device(String name, long bytes) {
        public Device {
            if (bytes <= 0) {
                throw new IllegalArgumentException("device " + name + ": memory must be > 0 bytes, got " + bytes);
            }
        }
    }

    /**
     * What one device holds: decoder blocks {@code firstLayer .. endLayer - 1} and, on the last device, the output
     * unit (counted in {@code weights}).
     */
    public record Placement(Device device, int firstLayer, int endLayer, boolean output, long weights,
            long decodeBuffer, long kvCache, long activations) {

        public long used() {
            return weights + decodeBuffer + kvCache + activations;
        }

        /** Bytes left on the device once everything planned is allocated (negative: it does not fit). */
        public long headroom() {
            return device.bytes() - used();
        }

        public int layers() {
            return endLayer - firstLayer;
        }
    }

    /**
     * The device sizes of one model at one shape, from its units' sizes: per block its weights (unit and vectors)
     * and the decode buffer bytes it needs, the same for the output unit, the KV cache of one block per context
     * position, and the activations each device allocates (fixed part plus a part per context position: the
     * attention scores and rotary tables).
     */
    public record ModelBytes(long[] layerWeights, long[] layerDecode, long outputWeights, long outputDecode,
            long cachePerPosition, long activationsFixed, long activationsPerPosition) {

        public static ModelBytes of(WeightStore store, ForwardShape shape, DecodeMode mode) {
            mode.resolved("the memory plan");
            ModelConfig config = store.config();
            int layers = config.layerCount();
            long[] weights = new long[layers];
            long[] decode = new long[layers];
            long vectors = vectorBytes(shape);
            for (int layer = 0; layer < layers; layer++) {
                WeightUnit unit = store.layerUnit(layer);
                weights[layer] = unitBytes(store, unit, mode) + vectors;
                decode[layer] = decodeBytes(store, unit, mode);
            }
            WeightUnit output = store.outputUnit();
            long perPosition = 2L * shape.sequences() * shape.kvDim() * Float.BYTES;
            // Activations grow linearly with the context (scores, rotary tables): measure them at two lengths.
            long one = new Activations(new ForwardShape(config, 1, shape.maxBatch(), shape.sequences())).bytes();
            long two = new Activations(new ForwardShape(config, 2, shape.maxBatch(), shape.sequences())).bytes();
            return new ModelBytes(weights, decode, unitBytes(store, output, mode) + (long) shape.hidden() * Float.BYTES,
                    decodeBytes(store, output, mode), perPosition, one - (two - one), two - one);
        }

        /** These bytes with {@code bytes} more activations on every device (buffers only some backends allocate). */
        public ModelBytes plusActivations(long bytes) {
            return new ModelBytes(layerWeights, layerDecode, outputWeights, outputDecode, cachePerPosition,
                    activationsFixed + bytes, activationsPerPosition);
        }

        int layers() {
            return layerWeights.length;
        }

        long cache(int layers, int context) {
            return layers * cachePerPosition * context;
        }

        long activations(int context) {
            return activationsFixed + activationsPerPosition * context;
        }
    }

    /** Device bytes of one unit's arrays as {@link DeviceWeights} allocates them (the same count as its host copy). */
    static long unitBytes(WeightStore store, WeightUnit unit, DecodeMode mode) {
        Optional<Df11Unit> compressed = store.compressed(unit);
        long tail = UnitTail.plannedBytes(unit);
        if (compressed.isPresent() && mode == DecodeMode.NIBBLE) {
            return tail + NibbleLayout.bytes(compressed.get().elementCount());
        }
        return tail + (compressed.isPresent() ? CompressedDeviceUnit.hostBytes(unit, compressed.get(), mode)
                : 2L * Integer.BYTES * WeightPlanes.wordsFor(PlainDeviceUnit.elements(unit)));
    }

    /** Bytes of the shared exponent plane {@code unit} needs: its elements if it is DF11 decoded exactly, else 0. */
    static long decodeBytes(WeightStore store, WeightUnit unit, DecodeMode mode) {
        Optional<Df11Unit> compressed = store.compressed(unit);
        if (compressed.isEmpty() || mode == DecodeMode.NIBBLE
                || CompressedDeviceUnit.fusable(unit, compressed.get(), mode)) {
            return 0;
        }
        return (long) Integer.BYTES * WeightPlanes.wordsFor(compressed.get().elementCount());
    }

    /** fp32 vectors of one block: its norms, biases and per-head norms. */
    private static long vectorBytes(ForwardShape shape) {
        ModelConfig config = shape.config();
        long floats = 2L * shape.hidden();
        if (config.qkvBias()) {
            floats += shape.qkvWidth();
        }
        if (config.qkNorm()) {
            floats += (long) (shape.heads() + shape.kvHeads()) * shape.headDim();
        }
        if (config.gemma()) {
            floats += 2L * shape.hidden();
        }
        return floats * Float.BYTES;
    }

    /**
     * Plans {@code bytes} at {@code context} positions over {@code devices}.
     *
     * @throws IllegalArgumentException when a device gets no block (more devices than blocks) or a device's share
     *                                  does not fit it; the message says how many devices or how much context would
     */
    public static MemoryPlan of(ModelBytes bytes, int context, List<Device> devices) {
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("no devices to place the model on");
        }
        if (devices.size() > bytes.layers()) {
            throw new IllegalArgumentException(devices.size() + " devices for a model of " + bytes.layers()
                    + " decoder blocks: each device needs at least one block; use at most " + bytes.layers());
        }
        MemoryPlan plan = place(bytes, context, devices);
        Optional<Placement> over = plan.devices.stream().filter(p -> p.headroom() < 0).findFirst();
        if (over.isPresent()) {
            throw new IllegalArgumentException(refusal(bytes, context, devices, plan, over.get()));
        }
        return plan;
    }

    /** The proportional placement, whether or not it fits. */
    static MemoryPlan place(ModelBytes bytes, int context, List<Device> devices) {
        int n = devices.size();
        int layers = bytes.layers();
        long largestDecode = 0;
        for (long d : bytes.layerDecode) {
            largestDecode = Math.max(largestDecode, d);
        }
        // Memory left for blocks on each device once its fixed share is counted (the decode buffer at its largest:
        // the largest block's, and on the last device the output unit's if that is larger).
        double[] free = new double[n];
        double totalFree = 0;
        for (int d = 0; d < n; d++) {
            boolean last = d == n - 1;
            long fixed = bytes.activations(context) + (last ? Math.max(largestDecode, bytes.outputDecode)
                    + bytes.outputWeights : largestDecode);
            free[d] = Math.max(0, devices.get(d).bytes() - fixed);
            totalFree += free[d];
        }
        long[] layerBytes = new long[layers];
        long total = 0;
        for (int l = 0; l < layers; l++) {
            layerBytes[l] = bytes.layerWeights[l] + bytes.cache(1, context);
            total += layerBytes[l];
        }
        // Block l goes to the first device whose cumulative share of the free memory reaches the block's middle.
        int[] ends = new int[n];
        double share = 0;
        long before = 0;
        int device = 0;
        for (int l = 0; l < layers; l++) {
            double middle = before + layerBytes[l] / 2.0;
            while (device < n - 1 && middle > total * (totalFree == 0 ? (device + 1.0) / n
                    : (share + free[device]) / totalFree)) {
                share += free[device];
                ends[device] = l;
                device++;
            }
            before += layerBytes[l];
        }
        for (int d = device; d < n; d++) {
            ends[d] = layers;
        }
        // Every device holds at least one block.
        for (int d = 0; d < n - 1; d++) {
            int start = d == 0 ? 0 : ends[d - 1];
            ends[d] = Math.min(Math.max(ends[d], start + 1), layers - (n - 1 - d));
        }
        List<Placement> placements = new ArrayList<>();
        for (int d = 0; d < n; d++) {
            int first = d == 0 ? 0 : ends[d - 1];
            boolean last = d == n - 1;
            long weights = last ? bytes.outputWeights : 0;
            long decode = last ? bytes.outputDecode : 0;
            for (int l = first; l < ends[d]; l++) {
                weights += bytes.layerWeights[l];
                decode = Math.max(decode, bytes.layerDecode[l]);
            }
            placements.add(new Placement(devices.get(d), first, ends[d], last, weights, decode,
                    bytes.cache(ends[d] - first, context), bytes.activations(context)));
        }
        return new MemoryPlan(List.copyOf(placements));
    }

    private static boolean fits(ModelBytes bytes, int context, List<Device> devices) {
        return devices.size() <= bytes.layers()
                && place(bytes, context, devices).devices.stream().allMatch(p -> p.headroom() >= 0);
    }

    private static String refusal(ModelBytes bytes, int context, List<Device> devices, MemoryPlan plan,
            Placement over) {
        StringBuilder message = new StringBuilder("the model does not fit " + devices.size() + " device"
                + (devices.size() == 1 ? "" : "s") + " at a context of " + context + ": device "
                + over.device().name() + " needs " + gib(over.used()) + " (" + describe(over) + ") but has "
                + gib(over.device().bytes()) + ".\n" + plan.table());
        // More devices like the smallest one given, up to one per block.
        long smallest = devices.stream().mapToLong(Device::bytes).min().orElseThrow();
        String more = null;
        for (int n = devices.size() + 1; n <= bytes.layers() && more == null; n++) {
            List<Device> extended = new ArrayList<>(devices);
            while (extended.size() < n) {
                extended.add(new Device("extra" + extended.size(), smallest));
            }
            if (fits(bytes, context, extended)) {
                more = n + " devices (these and " + (n - devices.size()) + " more of " + gib(smallest) + ")";
            }
        }
        message.append("\n").append(more != null ? "It would fit " + more + " at this context."
                : "No number of devices of " + gib(smallest) + " holds it at this context (tried up to one device"
                        + " per block).");
        int low = 0;
        int high = context - 1;
        while (low < high) {   // the longest context below the asked one that fits these devices
            int mid = low + (high - low + 1) / 2;
            if (fits(bytes, mid, devices)) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        message.append(low > 0 ? " On these devices it fits a context of up to " + low + " tokens (--context)."
                : " On these devices it does not fit at any context.");
        return message.toString();
    }

    private static String describe(Placement p) {
        return "weights " + gib(p.weights) + ", decode buffer " + gib(p.decodeBuffer) + ", KV cache "
                + gib(p.kvCache) + ", activations " + gib(p.activations);
    }

    /** One line per device: its blocks, weights, decode buffer, KV cache, activations and headroom. */
    public String table() {
        StringBuilder out = new StringBuilder();
        for (Placement p : devices) {
            out.append(String.format(Locale.ROOT, "  device %s: blocks %d..%d%s, %s, headroom %s of %s%n",
                    p.device().name(), p.firstLayer(), p.endLayer() - 1, p.output() ? " + output" : "",
                    describe(p), gib(p.headroom()), gib(p.device().bytes())));
        }
        return out.toString();
    }

    static String gib(long bytes) {
        if (Math.abs(bytes) >= 1L << 30) {
            return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
        }
        if (Math.abs(bytes) >= 1L << 20) {
            return String.format(Locale.ROOT, "%.2f MiB", bytes / (double) (1L << 20));
        }
        return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
}
