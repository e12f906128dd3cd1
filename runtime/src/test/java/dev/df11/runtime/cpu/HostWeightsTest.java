package dev.df11.runtime.cpu;

import dev.df11.format.safetensors.DType;
import dev.df11.format.safetensors.SafetensorsDirectory;
import dev.df11.format.safetensors.SafetensorsWriter;
import dev.df11.runtime.model.ModelLayout;
import dev.df11.runtime.testmodels.RandomModelWriter;
import dev.df11.runtime.testmodels.RandomModelWriter.Flavor;
import dev.df11.runtime.testmodels.TestModels;
import dev.df11.runtime.weights.MatrixSlot;
import dev.df11.runtime.weights.UnitWeights;
import dev.df11.runtime.weights.WeightStore;
import dev.df11.runtime.weights.WeightStores;
import dev.df11.runtime.weights.WeightUnit;
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
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CPU backend's host copies of the weights: decoded DF11 units, plain BF16 units, output bands, statistics. */
class HostWeightsTest {

    private static final ValueLayout.OfShort BF16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Every matrix decoded on the host has the BF16 store's bytes, whatever order units are acquired in. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void decodedMatricesEqualTheBf16Originals(boolean prefetch) throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("host"), Flavor.LLAMA3_UNTIED, 5);
        var options = new WeightStores.Df11Options(2);
        try (WeightStore bf16Store = WeightStores.open(dir, options);
             WeightStore df11Store = WeightStores.open(TestModels.compress(dir), options);
             HostWeights bf16 = new HostWeights(bf16Store, 2, prefetch);
             HostWeights df11 = new HostWeights(df11Store, 2, prefetch)) {
            // Forward order twice, then out of order (a wrong prefetch guess must not corrupt anything).
            int[] order = {0, 1, -1, 0, 1, -1, 1, 0, -1, -1, 1, 1};
            for (int which : order) {
                if (which < 0) {
                    assertOutputEqual(bf16, df11, bf16Store.config().tiedEmbeddings());
                } else {
                    assertTrue(df11Store.layerUnit(which).compressed());
                    assertMatricesEqual(bf16.layer(which), df11.layer(which));
                }
            }
        }
    }

    /**
     * stories15M's tied embedding (9.2 M elements) is much larger than a layer (1 M): it is decoded in row bands no
     * larger than a layer, so one layer-sized buffer serves everything, and the bands give the embedding's bytes.
     */
    @Test
    void cutsTheOutputIntoLayerSizedBandsWithOneLayerSizedBuffer() throws IOException {
        try (WeightStore bf16Store = WeightStores.open(TestModels.stories15M(), WeightStores.Df11Options.defaults());
             WeightStore df11Store = WeightStores.open(TestModels.stories15MDf11(), new WeightStores.Df11Options(2));
             HostWeights bf16 = new HostWeights(bf16Store, 2, false);
             HostWeights df11 = new HostWeights(df11Store, 2, false)) {
            long layer = df11Store.layerUnit(0).elementCount();
            assertEquals(2 * layer, df11.decodeBufferBytes());
            assertTrue(df11.outputBands().size() > 1);
            int nextRow = 0;
            for (WeightUnit band : df11.outputBands()) {
                assertTrue(band.elementCount() <= layer);
                assertEquals(nextRow, band.matrices().get(0).firstRow());
                nextRow += band.matrices().get(0).rows();
            }
            assertEquals(df11Store.config().vocabSize(), nextRow);
            assertOutputEqual(bf16, df11, true);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void eachUnitIsDecodedOncePerPass(boolean prefetch) throws IOException {
        Path dir = TestModels.compress(RandomModelWriter.write(TestModels.newFolder("pf"), Flavor.LLAMA3_UNTIED, 6));
        try (WeightStore store = WeightStores.open(dir, new WeightStores.Df11Options(1));
             HostWeights host = new HostWeights(store, 1, prefetch)) {
            int layers = store.config().layerCount();
            for (int pass = 0; pass < 3; pass++) {
                for (int layer = 0; layer < layers; layer++) {
                    host.layer(layer);
                }
                for (int band = 0; band < host.outputBands().size(); band++) {
                    host.outputBand(band);
                }
            }
            // 3 passes x (2 layers + head); with prefetch also layer 0 of a 4th pass may have been decoded already.
            long decodes = host.stats().decodes();
            assertTrue(decodes == 9 || prefetch && decodes == 10, "decodes " + decodes);
            assertEquals(3 * layers, host.stats().layerWaits());
            assertEquals(3, host.stats().outputWaits());
            assertEquals(1, host.outputBands().size());
            long largest = host.outputBands().get(0).elementCount();
            for (int layer = 0; layer < layers; layer++) {
                largest = Math.max(largest, store.layerUnit(layer).elementCount());
            }
            assertEquals((prefetch ? 2 : 1) * 2 * largest, host.decodeBufferBytes());
        }
    }

    /** BF16 weights are used where they are mapped: no decode buffer, no decode, the output projection as one band. */
    @Test
    void plainWeightsNeedNoDecodeBuffer() throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("plain"), Flavor.LLAMA2_TIED, 3);
        try (WeightStore store = WeightStores.open(dir, WeightStores.Df11Options.defaults());
             HostWeights host = new HostWeights(store, 2, true)) {
            assertEquals(0, host.decodeBufferBytes());
            assertEquals(List.of(store.outputUnit()), host.outputBands());
            host.layer(0);
            host.outputBand(0);
            assertTrue(host.layer(1).matrix(ModelLayout.layerMatrix(1, "mlp.up_proj")).data().isMapped());
            assertEquals(0, host.stats().decodes());
            assertEquals(2, host.stats().layerWaits());
            assertEquals(1, host.stats().outputWaits());
        }
    }

    /** A unit the compressor had to keep as BF16 (an exponent DF11 cannot express) is served plain, the rest decoded. */
    @Test
    void servesUnitsKeptPlainBesideCompressedOnes() throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("mixed"), Flavor.LLAMA2_TIED, 7);
        String huge = "model.layers.1.mlp.up_proj.weight";
        replaceFirstElement(dir, huge, (short) 0x7F00);     // 2^127: exponent 254, not encodable
        Path df11Dir = TestModels.compress(dir);
        try (WeightStore bf16Store = WeightStores.open(dir, WeightStores.Df11Options.defaults());
             WeightStore df11Store = WeightStores.open(df11Dir, WeightStores.Df11Options.defaults());
             HostWeights bf16 = new HostWeights(bf16Store, 2, false);
             HostWeights df11 = new HostWeights(df11Store, 2, false)) {
            assertTrue(df11Store.layerUnit(0).compressed());
            assertFalse(df11Store.layerUnit(1).compressed());
            assertTrue(df11Store.compressed(df11Store.layerUnit(1)).isEmpty());
            for (int layer = 0; layer < 2; layer++) {
                assertMatricesEqual(bf16.layer(layer), df11.layer(layer));
            }
            assertEquals((short) 0x7F00, df11.layer(1).matrix(huge).data().getAtIndex(BF16, 0));
            assertEquals(df11Store.acquire(df11Store.layerUnit(1)).matrix(huge).data().address(),
                    df11.layer(1).matrix(huge).data().address(), "the plain unit is used where it is mapped");
        }
    }

    /** The DF11 output bands, in order, hold exactly the BF16 output matrix's rows. */
    private static void assertOutputEqual(HostWeights bf16, HostWeights df11, boolean tied) {
        String name = tied ? ModelLayout.EMBEDDING : ModelLayout.OUTPUT;
        assertEquals(1, bf16.outputBands().size());
        MemorySegment whole = bf16.outputBand(0).matrix(name).data();
        for (int i = 0; i < df11.outputBands().size(); i++) {
            WeightUnit band = df11.outputBands().get(i);
            MatrixSlot slot = band.slot(name);
            MemorySegment expected = whole.asSlice(2L * slot.firstRow() * slot.cols(), 2 * slot.elementCount());
            assertEquals(-1, expected.mismatch(df11.outputBand(i).matrix(name).data()), band.name());
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
