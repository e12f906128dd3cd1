package dev.df11.runtime.weights;

import dev.df11.runtime.model.ModelLayout;
import dev.df11.runtime.testmodels.RandomModelWriter;
import dev.df11.runtime.testmodels.RandomModelWriter.Flavor;
import dev.df11.runtime.testmodels.TestModels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The DF11 store describes compressed weights and decodes embedding rows; decoding whole units is a backend's job. */
class Df11WeightStoreTest {

    @Test
    void embeddingRowsEqualTheBf16Originals() throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("df11"), Flavor.LLAMA3_UNTIED, 5);
        try (WeightStore bf16 = WeightStores.open(dir, WeightStores.Df11Options.defaults());
             WeightStore df11 = WeightStores.open(TestModels.compress(dir), new WeightStores.Df11Options(2))) {
            assertEquals("DF11", df11.kind());
            assertTrue(df11.embeddingUnit().compressed());
            int[] tokens = {0, 96, 5, 5, 40};
            assertEquals(-1, bf16.embeddingRows(tokens).mismatch(df11.embeddingRows(tokens)));
        }
    }

    /**
     * stories15M's weights stay compressed (the store allocates no decode buffer), and its tied output projection is
     * the embedding unit, whole: 32,000 rows, however much larger than a layer.
     */
    @Test
    void keepsWeightsCompressedAndTheOutputProjectionWhole() throws IOException {
        try (WeightStore bf16 = WeightStores.open(TestModels.stories15M(), WeightStores.Df11Options.defaults());
             WeightStore df11 = WeightStores.open(TestModels.stories15MDf11(), new WeightStores.Df11Options(2))) {
            WeightUnit output = df11.outputUnit();
            assertSame(df11.embeddingUnit(), output);
            assertTrue(output.compressed());
            String name = new ModelLayout(df11.config()).outputMatrix();
            assertEquals(df11.config().vocabSize(), output.slot(name).rows());
            assertEquals(0, output.slot(name).firstRow());
            assertTrue(output.elementCount() > df11.layerUnit(0).elementCount());
            assertEquals(output.elementCount(), df11.compressed(output).orElseThrow().elementCount());
            double ratio = df11.residentWeightBytes() / (double) bf16.residentWeightBytes();
            System.out.printf("stories15M DF11 weights: %.1f%% of BF16%n", 100 * ratio);
            assertTrue(ratio > 0.6 && ratio < 0.8, "compressed to " + ratio);
        }
    }

    @Test
    void untiedOutputProjectionIsItsOwnWholeUnit() throws IOException {
        Path dir = TestModels.compress(RandomModelWriter.write(TestModels.newFolder("untied"), Flavor.LLAMA3_UNTIED, 8));
        try (WeightStore df11 = WeightStores.open(dir, WeightStores.Df11Options.defaults())) {
            WeightUnit output = df11.outputUnit();
            assertTrue(output.compressed());
            assertTrue(output.matrices().size() == 1 && output.slot(ModelLayout.OUTPUT).rows() == RandomModelWriter.VOCAB,
                    output.toString());
            assertEquals(0, output.source().from());
            assertEquals(df11.compressed(output).orElseThrow().elementCount(), output.source().to());
        }
    }

    /** The store has no decode buffers, so it cannot hand out a compressed unit's matrices: it says so, by name. */
    @Test
    void aCompressedUnitHasNoPlainMatrices() throws IOException {
        Path dir = TestModels.compress(RandomModelWriter.write(TestModels.newFolder("nodecode"), Flavor.LLAMA2_TIED, 9));
        try (WeightStore df11 = WeightStores.open(dir, WeightStores.Df11Options.defaults())) {
            WeightUnit layer = df11.layerUnit(0);
            String message = assertThrows(IllegalArgumentException.class, () -> df11.acquire(layer)).getMessage();
            assertTrue(message.contains(layer.name()) && message.contains("compressed"), message);
        }
    }

    @Test
    void outOfVocabularyEmbeddingIsRefused() throws IOException {
        Path dir = TestModels.compress(RandomModelWriter.write(TestModels.newFolder("oov"), Flavor.QWEN3, 6));
        try (WeightStore df11 = WeightStores.open(dir, WeightStores.Df11Options.defaults())) {
            String message = assertThrows(IllegalArgumentException.class,
                    () -> df11.embeddingRows(new int[] {3, RandomModelWriter.VOCAB})).getMessage();
            assertTrue(message.contains(String.valueOf(RandomModelWriter.VOCAB)), message);
            assertEquals(2L * 2 * df11.config().hiddenSize(), df11.embeddingRows(new int[] {3, 4}).byteSize());
            assertTrue(df11.compressed(df11.layerUnit(0)).isPresent());
            assertEquals(ModelLayout.layerMatrices(0).size(), df11.compressed(df11.layerUnit(0)).get().matrixCount());
        }
    }
}
