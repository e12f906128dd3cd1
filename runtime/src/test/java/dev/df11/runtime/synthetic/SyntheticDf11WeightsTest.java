package dev.df11.runtime.synthetic;

import dev.df11.format.codec.Df11Unit;
import dev.df11.format.model.CompressOptions;
import dev.df11.format.model.Df11Compressor;
import dev.df11.format.model.Df11Model;
import dev.df11.format.model.ProgressListener;
import dev.df11.runtime.cpu.CpuBackend;
import dev.df11.runtime.inference.ForwardPass;
import dev.df11.runtime.testmodels.TestModels;
import dev.df11.runtime.weights.WeightStore;
import dev.df11.runtime.weights.WeightStores;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntheticDf11WeightsTest {

    private static final long SEED = 3;

    /** The tiny shape written by df11 synthetic and compressed by df11 compress. */
    private static Path diskDf11() throws IOException {
        Path root = TestModels.newFolder("synthetic-df11");
        Path bf16 = root.resolve("bf16");
        SyntheticModelWriter.write(SyntheticShape.TINY, SEED, bf16, false, 2, Long.MAX_VALUE, (n, t) -> { });
        Path df11 = root.resolve("df11");
        Df11Compressor.compress(bf16, df11, CompressOptions.defaults().withThreads(2), ProgressListener.NONE);
        return df11;
    }

    private static byte[] bytes(MemorySegment segment) {
        return segment.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    private static void assertSameArrays(Df11Unit expected, Df11Unit actual) {
        assertArrayEquals(bytes(expected.luts()), bytes(actual.luts()), expected.name() + " luts");
        assertArrayEquals(bytes(expected.encodedExponent()), bytes(actual.encodedExponent()), expected.name());
        assertArrayEquals(bytes(expected.signMantissa()), bytes(actual.signMantissa()), expected.name());
        assertArrayEquals(bytes(expected.outputPositions()), bytes(actual.outputPositions()), expected.name());
        assertArrayEquals(bytes(expected.gaps()), bytes(actual.gaps()), expected.name());
        assertArrayEquals(expected.splitPositions(), actual.splitPositions(), expected.name());
    }

    @Test
    void inMemoryUnitsEqualTheWrittenAndCompressedFolderByteForByte() throws IOException {
        Path disk = diskDf11();
        SyntheticDf11Weights memory = SyntheticDf11Weights.of(SyntheticShape.TINY, SEED, 2, 2);
        try (Df11Model model = Df11Model.open(disk)) {
            for (String unit : new String[] {"model.embed_tokens", "model.layers.0", "model.layers.1", "lm_head"}) {
                assertSameArrays(model.unit(unit), memory.unit(unit));
            }
            for (String name : model.compressedWeightNames()) {
                assertEquals(model.locate(name).orElseThrow().unit(), memory.locate(name).orElseThrow().unit(), name);
                assertEquals(model.locate(name).orElseThrow().index(), memory.locate(name).orElseThrow().index(), name);
            }
        }
        assertEquals(SyntheticDf11Weights.layerElements(SyntheticShape.TINY) * 2 + 2L * 512 * 64,
                memory.synthesizedWeights());
    }

    @Test
    void inMemoryStoreGeneratesTheSameLogitsAsTheFolderOnTheCpu() throws IOException {
        Path disk = diskDf11();
        try (WeightStore folder = WeightStores.open(disk, new WeightStores.Df11Options(2));
             WeightStore memory = SyntheticDf11Weights.store(SyntheticShape.TINY, SEED, 2, 2, null);
             ForwardPass a = new ForwardPass(new CpuBackend(2), folder, 16, 1);
             ForwardPass b = new ForwardPass(new CpuBackend(2), memory, 16, 1)) {
            int token = 5;
            for (int pos = 0; pos < 6; pos++) {
                float[] expected = a.forward(new int[] {token}, pos);
                float[] actual = b.forward(new int[] {token}, pos);
                assertArrayEquals(expected, actual, "position " + pos);
                token = argmax(expected);
            }
            assertEquals(folder.residentWeightBytes(), memory.residentWeightBytes());
        }
    }

    @Test
    void layersPastDistinctLayersReuseAnEarlierLayersArraysUnderTheirOwnName() {
        SyntheticDf11Weights memory = SyntheticDf11Weights.of(SyntheticShape.TINY, SEED, 1, 2);
        Df11Unit first = memory.unit("model.layers.0");
        Df11Unit second = memory.unit("model.layers.1");
        assertEquals("model.layers.1", second.name());
        assertSame(first.signMantissa(), second.signMantissa());
        assertEquals(SyntheticDf11Weights.layerElements(SyntheticShape.TINY), memory.synthesizedWeights());
        assertTrue(memory.location().contains("1 distinct of 2 layers"), memory.location());
    }

    @Test
    void distinctLayersOutsideOneToTheLayerCountIsRefused() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> SyntheticDf11Weights.of(SyntheticShape.TINY, SEED, 0, 2));
        assertTrue(none.getMessage().contains("distinct layers must be 1..2"), none.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SyntheticDf11Weights.of(SyntheticShape.TINY, SEED, 3, 2));
    }

    @Test
    void unknownUnitIsAnErrorNamingIt() {
        SyntheticDf11Weights memory = SyntheticDf11Weights.of(SyntheticShape.TINY, SEED, 2, 2);
        RuntimeException e = assertThrows(RuntimeException.class, () -> memory.unit("model.layers.9"));
        assertTrue(e.getMessage().contains("no unit model.layers.9"), e.getMessage());
    }

    @Test
    void distinctLayersFittingCountsTheLayersAHeapHolds() {
        SyntheticShape big = SyntheticShape.byId("llama-44b");
        assertEquals(48, SyntheticDf11Weights.distinctLayersFitting(big, 200L << 30));
        assertEquals(1, SyntheticDf11Weights.distinctLayersFitting(big, 1L << 30));
        int in24 = SyntheticDf11Weights.distinctLayersFitting(big, 24L << 30);
        assertTrue(in24 > 4 && in24 < 20, "24 GiB of heap holds " + in24 + " layers of the 44B shape");
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
