package dev.df11.runtime.cpu;

import dev.df11.runtime.backend.DecodeStats;
import dev.df11.runtime.inference.ForwardPass;
import dev.df11.runtime.testmodels.RandomModelWriter;
import dev.df11.runtime.testmodels.RandomModelWriter.Flavor;
import dev.df11.runtime.testmodels.TestModels;
import dev.df11.runtime.weights.WeightStore;
import dev.df11.runtime.weights.WeightStores;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CPU backend owns its host decode buffers and reports their size and its decode work to the forward pass. */
class CpuBackendTest {

    @Test
    void reportsItsDecodeBuffersAndDecodesThroughTheForwardPass() throws IOException {
        Path dir = TestModels.compress(RandomModelWriter.write(TestModels.newFolder("cpudf11"), Flavor.LLAMA3_UNTIED, 4));
        WeightStore store = WeightStores.open(dir, new WeightStores.Df11Options(1));
        try (ForwardPass forward = new ForwardPass(new CpuBackend(1, true), store, 16, 4)) {
            int layers = store.config().layerCount();
            long largest = store.outputUnit().elementCount();
            for (int layer = 0; layer < layers; layer++) {
                largest = Math.max(largest, store.layerUnit(layer).elementCount());
            }
            assertEquals(2 * 2 * largest, forward.decodeBufferBytes(), "two buffers (prefetch) of the largest unit");
            assertEquals(store.residentWeightBytes() + forward.decodeBufferBytes(), forward.residentWeightBytes());
            forward.forward(new int[] {1, 2, 3}, 0);
            forward.forward(new int[] {4}, 3);
            DecodeStats stats = forward.decodeStats();
            assertEquals(2L * layers, stats.layerWaits());
            assertEquals(2, stats.outputWaits(), "the untied lm_head is smaller than a layer: one band per step");
            assertTrue(stats.decodes() >= 2L * (layers + 1) && stats.decodedBytes() > 0, stats.toString());
        }
    }

    @Test
    void plainWeightsAllocateNoDecodeBuffer() throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("cpubf16"), Flavor.LLAMA2_TIED, 4);
        WeightStore store = WeightStores.open(dir, WeightStores.Df11Options.defaults());
        try (ForwardPass forward = new ForwardPass(new CpuBackend(1, true), store, 16, 4)) {
            forward.forward(new int[] {1, 2}, 0);
            assertEquals(0, forward.decodeBufferBytes());
            assertEquals(store.residentWeightBytes(), forward.residentWeightBytes());
            assertEquals(0, forward.decodeStats().decodes());
            assertEquals(store.config().layerCount(), forward.decodeStats().layerWaits());
        }
    }

    /** Prefetching changes when units are decoded, never the logits. */
    @Test
    void prefetchGivesTheSameLogits() throws IOException {
        Path dir = TestModels.compress(RandomModelWriter.write(TestModels.newFolder("cpupf"), Flavor.QWEN3, 5));
        float[][] logits = new float[2][];
        for (int run = 0; run < 2; run++) {
            try (ForwardPass forward = new ForwardPass(new CpuBackend(2, run == 1),
                    WeightStores.open(dir, WeightStores.Df11Options.defaults()), 16, 2)) {
                forward.forward(new int[] {5, 6, 7}, 0);
                logits[run] = forward.forward(new int[] {8}, 3).clone();
            }
        }
        assertArrayEquals(logits[0], logits[1]);
    }

    @Test
    void loadingTwiceIsRefused() throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("cputwice"), Flavor.LLAMA2_TIED, 4);
        try (WeightStore store = WeightStores.open(dir, WeightStores.Df11Options.defaults());
             CpuBackend backend = new CpuBackend(1)) {
            assertThrows(IllegalStateException.class, () -> backend.block(0, 0), "block before load");
            assertThrows(IllegalStateException.class, backend::decodeStats, "stats before load");
            backend.load(store, 16, 2);
            assertThrows(IllegalStateException.class, () -> backend.load(store, 16, 2));
        }
    }
}
