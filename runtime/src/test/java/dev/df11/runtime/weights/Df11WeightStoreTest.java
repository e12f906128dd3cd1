package dev.df11.runtime.weights;

import dev.df11.runtime.model.ModelLayout;
import dev.df11.runtime.testmodels.InMemoryDf11;
import dev.df11.runtime.testmodels.RandomModelWriter;
import dev.df11.runtime.testmodels.RandomModelWriter.Flavor;
import dev.df11.runtime.testmodels.TestModels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Df11WeightStoreTest {

    /** Every matrix a DF11 store hands out has the BF16 store's bytes, whatever order units are acquired in. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void decodedMatricesEqualTheBf16Originals(boolean prefetch) throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("df11"), Flavor.LLAMA3_UNTIED, 5);
        var options = new WeightStores.Df11Options(2, prefetch);
        try (WeightStore bf16 = WeightStores.open(dir, options);
             WeightStore df11 = InMemoryDf11.store(dir, options)) {
            assertEquals("DF11", df11.kind());
            // Forward order twice, then out of order (a wrong prefetch guess must not corrupt anything).
            int layers = bf16.config().layerCount();
            int[] order = {0, 1, -1, 0, 1, -1, 1, 0, -1, -1, 1, 1};
            for (int which : order) {
                WeightUnit b = which < 0 ? bf16.outputUnit() : bf16.layerUnit(which);
                WeightUnit d = which < 0 ? df11.outputUnit() : df11.layerUnit(which);
                assertTrue(d.compressed());
                UnitWeights expected = bf16.acquire(b);
                UnitWeights actual = df11.acquire(d);
                for (MatrixSlot slot : b.matrices()) {
                    MemorySegment want = expected.matrix(slot.name()).data();
                    MemorySegment got = actual.matrix(slot.name()).data();
                    assertEquals(-1, want.mismatch(got), slot.name() + " differs");
                }
            }
            int[] tokens = {0, 96, 5, 5, 40};
            assertEquals(-1, bf16.embeddingRows(tokens).mismatch(df11.embeddingRows(tokens)));
            assertTrue(layers > 1);
        }
    }

    @Test
    void keepsWeightsCompressedWithOneBufferForTheLargestUnit() throws IOException {
        Path dir = TestModels.stories15M();
        try (WeightStore bf16 = WeightStores.open(dir, WeightStores.Df11Options.defaults());
             WeightStore df11 = InMemoryDf11.store(dir, new WeightStores.Df11Options(2, false))) {
            long largest = 2L * df11.embeddingUnit().elementCount();     // tied: the embedding is the largest unit
            assertEquals(largest, df11.decodeBufferBytes());
            long compressed = df11.residentWeightBytes() - df11.decodeBufferBytes();
            double ratio = compressed / (double) bf16.residentWeightBytes();
            System.out.printf("stories15M DF11 weights: %.1f%% of BF16 (+ %d byte buffer)%n", 100 * ratio, largest);
            assertTrue(ratio > 0.6 && ratio < 0.8, "compressed to " + ratio);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void eachUnitIsDecodedOncePerPass(boolean prefetch) throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("pf"), Flavor.LLAMA3_UNTIED, 6);
        try (WeightStore df11 = InMemoryDf11.store(dir, new WeightStores.Df11Options(1, prefetch))) {
            for (int pass = 0; pass < 3; pass++) {
                for (int layer = 0; layer < df11.config().layerCount(); layer++) {
                    df11.acquire(df11.layerUnit(layer));
                }
                df11.acquire(df11.outputUnit());
            }
            // 3 passes x (2 layers + head); with prefetch also layer 0 of a 4th pass may have been decoded already.
            long decodes = df11.decodeStats().decodes();
            assertTrue(decodes == 9 || prefetch && decodes == 10, "decodes " + decodes);
            long largest = Math.max(df11.outputUnit().elementCount(), df11.embeddingUnit().elementCount());
            for (int layer = 0; layer < df11.config().layerCount(); layer++) {
                largest = Math.max(largest, df11.layerUnit(layer).elementCount());
            }
            assertEquals((prefetch ? 2 : 1) * 2 * largest, df11.decodeBufferBytes());
        }
    }

    @Test
    void outOfVocabularyEmbeddingIsRefused() throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("oov"), Flavor.QWEN3, 6);
        try (WeightStore df11 = InMemoryDf11.store(dir, WeightStores.Df11Options.defaults())) {
            String message = assertThrows(IllegalArgumentException.class,
                    () -> df11.embeddingRows(new int[] {3, RandomModelWriter.VOCAB})).getMessage();
            assertTrue(message.contains(String.valueOf(RandomModelWriter.VOCAB)), message);
            assertEquals(2L * 2 * df11.config().hiddenSize(), df11.embeddingRows(new int[] {3, 4}).byteSize());
            assertTrue(df11.compressed(df11.layerUnit(0)).isPresent());
            assertEquals(ModelLayout.layerMatrices(0).size(), df11.compressed(df11.layerUnit(0)).get().matrixCount());
        }
    }
}
