package dev.df11.tornado.forward.weights;

import dev.df11.runtime.testmodels.RandomModelWriter;
import dev.df11.runtime.testmodels.TestModels;
import dev.df11.runtime.weights.WeightStore;
import dev.df11.runtime.weights.WeightStores;
import dev.df11.tornado.forward.Activations;
import dev.df11.tornado.forward.ForwardShape;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pipeline's memory plan on fake device sizes (no device is touched): blocks split in proportion to the memory
 * each device has left, the output unit on the last device, and refusals that say what would fit.
 */
class MemoryPlanTest {

    private static final long MIB = 1L << 20;

    /**
     * A model of {@code layers} blocks of 100 MiB each, a 300 MiB output unit, DF11 decode buffers of 10 MiB per
     * block and 40 MiB for the output unit, 1 KiB of KV cache per block and position, activations of 2 MiB plus
     * 64 bytes per position.
     */
    private static MemoryPlan.ModelBytes model(int layers) {
        long[] weights = new long[layers];
        long[] decode = new long[layers];
        Arrays.fill(weights, 100 * MIB);
        Arrays.fill(decode, 10 * MIB);
        return new MemoryPlan.ModelBytes(weights, decode, 300 * MIB, 40 * MIB, 1024, 2 * MIB, 64);
    }

    private static List<MemoryPlan.Device> devices(long... mib) {
        return Arrays.stream(mib).mapToObj(m -> new MemoryPlan.Device("1:" + m, m * MIB)).toList();
    }

    @Test
    void equalDevicesSplitTheBlocksEvenlyOnceTheOutputUnitIsCounted() {
        // 32 blocks at context 1024: 101 MiB each; the last device also holds the 300 MiB output unit.
        MemoryPlan plan = MemoryPlan.of(model(32), 1024, devices(2000, 2000));
        MemoryPlan.Placement first = plan.devices().get(0);
        MemoryPlan.Placement last = plan.devices().get(1);
        assertEquals(0, first.firstLayer());
        assertEquals(first.endLayer(), last.firstLayer());
        assertEquals(32, last.endLayer());
        assertEquals(17, first.layers(), plan.table());
        assertEquals(15, last.layers(), plan.table());
        assertFalse(first.output());
        assertTrue(last.output());
        assertEquals(17 * 100 * MIB, first.weights());
        assertEquals(15 * 100 * MIB + 300 * MIB, last.weights());
        assertEquals(10 * MIB, first.decodeBuffer(), "the first device decodes blocks only");
        assertEquals(40 * MIB, last.decodeBuffer(), "the last device's buffer holds the output unit");
        assertEquals(17L * 1024 * 1024, first.kvCache());
        assertEquals(2 * MIB + 64 * 1024, first.activations());
        assertEquals(2000 * MIB - first.used(), first.headroom());
    }

    @Test
    void blocksFollowEachDevicesFreeMemory() {
        // A device three times larger takes about three times the blocks.
        MemoryPlan plan = MemoryPlan.of(model(40), 16, devices(1000, 3000, 600));
        int[] layers = plan.devices().stream().mapToInt(MemoryPlan.Placement::layers).toArray();
        assertEquals(40, Arrays.stream(layers).sum());
        assertTrue(layers[1] >= 2.5 * layers[0] && layers[1] <= 3.5 * layers[0], plan.table());
        assertTrue(plan.devices().get(2).output());
        for (MemoryPlan.Placement p : plan.devices()) {
            assertTrue(p.headroom() >= 0, plan.table());
        }
    }

    @Test
    void everyDeviceGetsAtLeastOneBlock() {
        MemoryPlan plan = MemoryPlan.of(model(3), 16, devices(100_000, 500, 500));
        for (MemoryPlan.Placement p : plan.devices()) {
            assertEquals(1, p.layers(), plan.table());
        }
    }

    @Test
    void tooFewDevicesIsRefusedWithTheNumberThatFits() {
        // 32 blocks of 101 MiB plus the output unit: about 3.6 GiB; three 1.5 GiB devices hold it, two do not.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MemoryPlan.of(model(32), 1024, devices(1536, 1536)));
        assertTrue(e.getMessage().contains("does not fit 2 devices at a context of 1024"), e.getMessage());
        assertTrue(e.getMessage().contains("It would fit 3 devices (these and 1 more of 1.50 GiB)"), e.getMessage());
        assertTrue(e.getMessage().contains("headroom"), "the plan is shown: " + e.getMessage());
    }

    @Test
    void tooLongAContextIsRefusedWithTheContextThatFits() {
        // 2 blocks of 100 MiB and a cache of 1 KiB per block and position: the context is what overflows.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MemoryPlan.of(model(2), 1 << 20, devices(1400, 1400)));
        // Device 2 holds 1 block + output: 100 + 300 + 40 + 2 MiB + 1088 bytes per position <= 1400 MiB.
        long expected = (1400 * MIB - 442 * MIB) / (1024 + 64);
        assertTrue(e.getMessage().contains("fits a context of up to " + expected + " tokens"), e.getMessage());
        assertTrue(e.getMessage().contains("No number of devices of 1.37 GiB holds it at this context"),
                e.getMessage());
        MemoryPlan.of(model(2), (int) expected, devices(1400, 1400));
    }

    @Test
    void moreDevicesThanBlocksIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MemoryPlan.of(model(2), 16, devices(1000, 1000, 1000)));
        assertTrue(e.getMessage().contains("3 devices for a model of 2 decoder blocks"), e.getMessage());
    }

    @Test
    void aDeviceTooSmallForTheOutputUnitIsRefusedAtAnyContext() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MemoryPlan.of(model(2), 16, devices(1000, 200)));
        assertTrue(e.getMessage().contains("device 1:200 needs"), e.getMessage());
        assertTrue(e.getMessage().contains("does not fit at any context"), e.getMessage());
    }

    /** The sizes of a real (tiny) model are the ones DeviceWeights and Activations allocate. */
    @Test
    void modelBytesCountWhatTheDeviceArraysTake() throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("plan"), RandomModelWriter.Flavor.QWEN3, 7);
        Path df11 = TestModels.compress(dir);
        for (Path model : List.of(dir, df11)) {
            try (WeightStore store = WeightStores.open(model, new WeightStores.Df11Options(1))) {
                ForwardShape shape = new ForwardShape(store.config(), 48, 4, 2);
                MemoryPlan.ModelBytes bytes = MemoryPlan.ModelBytes.of(store, shape, DecodeMode.EXACT);
                assertEquals(new Activations(shape).bytes(), bytes.activations(48), "activations at context 48");
                DeviceWeights weights = DeviceWeights.of(store, shape, Bf16Placement.DEVICE, DecodeMode.EXACT);
                assertEquals(weights.cacheBytes(), bytes.cache(store.config().layerCount(), 48));
                long decode = Math.max(bytes.outputDecode(), Arrays.stream(bytes.layerDecode()).max().orElseThrow());
                assertEquals(weights.decodeBufferElements() == 0 ? 0
                        : 4L * dev.df11.tornado.forward.WeightPlanes.wordsFor(weights.decodeBufferElements()), decode,
                        model + ": decode buffer");
                long planned = bytes.outputWeights() + Arrays.stream(bytes.layerWeights()).sum();
                long allocated = weights.bytes() - weights.cacheBytes();
                // DF11 units: the host-copy count the loader already checks against host memory, within 1%.
                assertTrue(Math.abs(planned - allocated) <= allocated / 100, model + ": planned " + planned
                        + " bytes of weights, allocated " + allocated);
            }
        }
    }
}
