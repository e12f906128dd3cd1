package dev.df11.runtime.weights;

import dev.df11.format.safetensors.DType;
import dev.df11.format.safetensors.SafetensorsDirectory;
import dev.df11.format.safetensors.SafetensorsWriter;
import dev.df11.runtime.model.ModelLayout;
import dev.df11.runtime.testmodels.RandomModelWriter;
import dev.df11.runtime.testmodels.RandomModelWriter.Flavor;
import dev.df11.runtime.testmodels.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Df11WeightStoreTest {

    private static final ValueLayout.OfShort BF16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Every matrix a DF11 store hands out has the BF16 store's bytes, whatever order units are acquired in. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void decodedMatricesEqualTheBf16Originals(boolean prefetch) throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("df11"), Flavor.LLAMA3_UNTIED, 5);
        var options = new WeightStores.Df11Options(2, prefetch);
        try (WeightStore bf16 = WeightStores.open(dir, options);
             WeightStore df11 = WeightStores.open(TestModels.compress(dir), options)) {
            assertEquals("DF11", df11.kind());
            // Forward order twice, then out of order (a wrong prefetch guess must not corrupt anything).
            int[] order = {0, 1, -1, 0, 1, -1, 1, 0, -1, -1, 1, 1};
            for (int which : order) {
                if (which < 0) {
                    assertOutputEqual(bf16, df11);
                } else {
                    assertTrue(df11.layerUnit(which).compressed());
                    assertMatricesEqual(bf16.acquire(bf16.layerUnit(which)), df11.acquire(df11.layerUnit(which)));
                }
            }
            int[] tokens = {0, 96, 5, 5, 40};
            assertEquals(-1, bf16.embeddingRows(tokens).mismatch(df11.embeddingRows(tokens)));
        }
    }

    /**
     * stories15M's tied embedding (9.2 M elements) is much larger than a layer (1 M): it is decoded in row bands no
     * larger than a layer, so one layer-sized buffer serves everything, and the bands give the embedding's bytes.
     */
    @Test
    void keepsWeightsCompressedWithOneLayerSizedBuffer() throws IOException {
        try (WeightStore bf16 = WeightStores.open(TestModels.stories15M(), WeightStores.Df11Options.defaults());
             WeightStore df11 = WeightStores.open(TestModels.stories15MDf11(), new WeightStores.Df11Options(2, false))) {
            long layer = df11.layerUnit(0).elementCount();
            assertEquals(2 * layer, df11.decodeBufferBytes());
            assertTrue(df11.outputUnits().size() > 1);
            int nextRow = 0;
            for (WeightUnit band : df11.outputUnits()) {
                assertTrue(band.elementCount() <= layer);
                assertEquals(nextRow, band.matrices().get(0).firstRow());
                nextRow += band.matrices().get(0).rows();
            }
            assertEquals(df11.config().vocabSize(), nextRow);
            assertOutputEqual(bf16, df11);
            long compressed = df11.residentWeightBytes() - df11.decodeBufferBytes();
            double ratio = compressed / (double) bf16.residentWeightBytes();
            System.out.printf("stories15M DF11 weights: %.1f%% of BF16 (+ %d byte buffer)%n", 100 * ratio,
                    df11.decodeBufferBytes());
            assertTrue(ratio > 0.6 && ratio < 0.8, "compressed to " + ratio);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void eachUnitIsDecodedOncePerPass(boolean prefetch) throws IOException {
        Path dir = TestModels.compress(RandomModelWriter.write(TestModels.newFolder("pf"), Flavor.LLAMA3_UNTIED, 6));
        try (WeightStore df11 = WeightStores.open(dir, new WeightStores.Df11Options(1, prefetch))) {
            for (int pass = 0; pass < 3; pass++) {
                for (int layer = 0; layer < df11.config().layerCount(); layer++) {
                    df11.acquire(df11.layerUnit(layer));
                }
                df11.outputUnits().forEach(df11::acquire);
            }
            // 3 passes x (2 layers + head); with prefetch also layer 0 of a 4th pass may have been decoded already.
            long decodes = df11.decodeStats().decodes();
            assertTrue(decodes == 9 || prefetch && decodes == 10, "decodes " + decodes);
            assertEquals(1, df11.outputUnits().size());
            long largest = df11.outputUnits().get(0).elementCount();
            for (int layer = 0; layer < df11.config().layerCount(); layer++) {
                largest = Math.max(largest, df11.layerUnit(layer).elementCount());
            }
            assertEquals((prefetch ? 2 : 1) * 2 * largest, df11.decodeBufferBytes());
        }
    }

    /** A unit the compressor had to keep as BF16 (an exponent DF11 cannot express) is served plain, the rest decoded. */
    @Test
    void servesUnitsKeptPlainBesideCompressedOnes() throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("mixed"), Flavor.LLAMA2_TIED, 7);
        String huge = "model.layers.1.mlp.up_proj.weight";
        replaceFirstElement(dir, huge, (short) 0x7F00);     // 2^127: exponent 254, not encodable
        Path df11Dir = TestModels.compress(dir);
        try (WeightStore bf16 = WeightStores.open(dir, WeightStores.Df11Options.defaults());
             WeightStore df11 = WeightStores.open(df11Dir, WeightStores.Df11Options.defaults())) {
            assertTrue(df11.layerUnit(0).compressed());
            assertFalse(df11.layerUnit(1).compressed());
            for (int layer = 0; layer < 2; layer++) {
                assertMatricesEqual(bf16.acquire(bf16.layerUnit(layer)), df11.acquire(df11.layerUnit(layer)));
            }
            assertEquals((short) 0x7F00, df11.acquire(df11.layerUnit(1)).matrix(huge).data().getAtIndex(BF16, 0));
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

    /** The DF11 output bands, in order, hold exactly the BF16 output matrix's rows. */
    private static void assertOutputEqual(WeightStore bf16, WeightStore df11) {
        String name = new ModelLayout(bf16.config()).outputMatrix();
        MemorySegment whole = bf16.acquire(bf16.outputUnits().get(0)).matrix(name).data();
        for (WeightUnit band : df11.outputUnits()) {
            MatrixSlot slot = band.slot(name);
            MemorySegment expected = whole.asSlice(2L * slot.firstRow() * slot.cols(), 2 * slot.elementCount());
            assertEquals(-1, expected.mismatch(df11.acquire(band).matrix(name).data()), band.name());
        }
    }

    private static void assertMatricesEqual(UnitWeights expected, UnitWeights actual) {
        for (MatrixSlot slot : expected.unit().matrices()) {
            MemorySegment want = expected.matrix(slot.name()).data();
            MemorySegment got = actual.matrix(slot.name()).data();
            assertEquals(-1, want.mismatch(got), slot.name() + " differs");
        }
    }

    /** Rewrites the folder's model.safetensors with element 0 of one tensor replaced. */
    private static void replaceFirstElement(Path dir, String tensor, short value) throws IOException {
        SafetensorsWriter writer = new SafetensorsWriter();
        Arena arena = Arena.ofAuto();
        try (SafetensorsDirectory files = SafetensorsDirectory.open(dir)) {
            for (String name : files.tensorNames()) {
                MemorySegment copy = arena.allocate(files.data(name).byteSize());
                copy.copyFrom(files.data(name));
                if (name.equals(tensor)) {
                    copy.setAtIndex(BF16, 0, value);
                }
                writer.add(name, DType.BF16, files.tensor(name).shape(), copy);
            }
        }
        Path file = dir.resolve("model.safetensors");
        Files.delete(file);
        writer.write(file);
    }
}
