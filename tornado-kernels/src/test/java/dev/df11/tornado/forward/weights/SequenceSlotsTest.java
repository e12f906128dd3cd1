package dev.df11.tornado.forward.weights;

import dev.df11.runtime.model.ModelConfig;
import dev.df11.runtime.testmodels.RandomModelWriter;
import dev.df11.runtime.testmodels.TestModels;
import dev.df11.runtime.weights.WeightStore;
import dev.df11.runtime.weights.WeightStores;
import dev.df11.tornado.forward.ForwardShape;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How many KV-cache slots the TornadoVM backend takes for the sequences a server asks for. */
class SequenceSlotsTest {

    private static final int CONTEXT = 32;

    @Test
    void slotsAreCutToWhatTheDeviceMemoryHoldsBesideTheWeights() throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("slots"), RandomModelWriter.Flavor.LLAMA3_UNTIED, 5);
        try (WeightStore store = WeightStores.open(dir, new WeightStores.Df11Options(1))) {
            ModelConfig config = store.config();
            ForwardShape asked = new ForwardShape(config, CONTEXT, 4, 8);
            long slot = 2L * config.layerCount() * CONTEXT * config.kvDim() * Float.BYTES;
            long weights = DeviceWeights.hostBytes(store, new ForwardShape(config, CONTEXT, 4, 1), DecodeMode.EXACT) - slot;
            // Room for three and a half slots in the 90% of the device the slots may share with the weights.
            long device = (long) Math.ceil((weights + 3 * slot + slot / 2) / (1 - DeviceWeights.DEVICE_RESERVE));
            assertEquals(3, DeviceWeights.sequencesThatFit(store, asked, device, DecodeMode.EXACT));
            assertEquals(8, DeviceWeights.sequencesThatFit(store, asked, 1L << 40, DecodeMode.EXACT), "all fit: as many as asked");
            assertEquals(1, DeviceWeights.sequencesThatFit(store, asked, 0, DecodeMode.EXACT),
                    "never fewer than one: loading then fails with the memory message");
        }
    }

    @Test
    void theKvCacheOfEveryLayerHoldsEverySlot() throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("slots-cache"), RandomModelWriter.Flavor.QWEN2, 6);
        try (WeightStore store = WeightStores.open(dir, new WeightStores.Df11Options(1))) {
            ForwardShape shape = new ForwardShape(store.config(), CONTEXT, 4, 3);
            DeviceWeights weights = DeviceWeights.of(store, shape, Bf16Placement.DEVICE, DecodeMode.FUSED);
            long slot = (long) CONTEXT * store.config().kvDim() * Float.BYTES;
            for (DeviceLayer layer : weights.layers()) {
                assertEquals(3 * slot, layer.keyCache().getNumBytesOfSegment());
                assertEquals(3 * slot, layer.valueCache().getNumBytesOfSegment());
            }
            assertEquals(2L * store.config().layerCount() * 3 * slot, weights.cacheBytes());
        }
    }
}
