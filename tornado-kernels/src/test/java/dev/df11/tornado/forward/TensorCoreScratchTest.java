package dev.df11.tornado.forward;

import dev.df11.runtime.model.ModelConfig;
import dev.df11.runtime.testmodels.RandomModelWriter;
import dev.df11.runtime.testmodels.TestModels;
import dev.df11.runtime.weights.WeightStore;
import dev.df11.runtime.weights.WeightStores;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tensor cores' shared buffers: when a model has them, and what the memory plan counts for them. */
class TensorCoreScratchTest {

    @Test
    void theMemoryPlanCountsWhatTheBuffersAllocate() throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("tc-scratch"), RandomModelWriter.Flavor.QWEN2, 3);
        try (WeightStore store = WeightStores.open(dir, new WeightStores.Df11Options(1))) {
            ModelConfig config = store.config();
            for (int[] batchAndSequences : new int[][] {{1, 2}, {4, 3}, {9, 16}, {64, 64}}) {
                ForwardShape shape = new ForwardShape(config, 32, batchAndSequences[0], batchAndSequences[1]);
                TensorCoreScratch scratch = TensorCoreScratch.of(shape);
                long allocated = scratch.split().getNumBytesOfSegment() + scratch.tokenScales().getNumBytesOfSegment()
                        + scratch.partial().getNumBytesOfSegment();
                assertEquals(allocated, TensorCoreScratch.bytes(shape), "batch " + batchAndSequences[0]);
                // Every product fits: the largest partial sums and the widest split of the largest batch.
                int slots = TensorCoreKernels.tokenSlots(Math.max(shape.maxBatch(), shape.logitRows()));
                assertEquals(slots, scratch.slots());
                assertTrue(scratch.partial().getSize() >= TensorCoreKernels.slices(shape.vocab(), shape.hidden())
                        * TensorCoreKernels.rowBlocks(shape.vocab()) * TensorCoreKernels.BLOCK_ROWS * slots);
                assertTrue(scratch.split().getSize() >= TensorCoreKernels.splitInts(slots, shape.intermediate()));
            }
        }
    }

    @Test
    void onlyAServingBackendWithTheFlagUsesThem() throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("tc-used"), RandomModelWriter.Flavor.QWEN2, 2);
        try (WeightStore store = WeightStores.open(dir, new WeightStores.Df11Options(1))) {
            KernelTuning off = new KernelTuning("t", 128, 1, 128, 64, 128, List.of());
            KernelTuning on = new KernelTuning("t", 128, 1, 128, 64, 128, List.of(), true);
            ForwardShape serving = new ForwardShape(store.config(), 32, 4, 2);
            ForwardShape single = new ForwardShape(store.config(), 32, 4, 1);
            assertTrue(TensorCoreScratch.usedBy(on, serving));
            assertFalse(TensorCoreScratch.usedBy(on, single), "one sequence keeps the CUDA-core kernels");
            assertFalse(TensorCoreScratch.usedBy(off, serving));
            assertFalse(TensorCoreScratch.usedBy(on.onBackend(false), serving), "only PTX emits mma");
        }
    }
}
