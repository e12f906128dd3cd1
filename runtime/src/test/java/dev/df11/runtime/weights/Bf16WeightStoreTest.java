package dev.df11.runtime.weights;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.df11.format.safetensors.DType;
import dev.df11.format.safetensors.SafetensorsDirectory;
import dev.df11.format.safetensors.SafetensorsWriter;
import dev.df11.runtime.model.ModelLayout;
import dev.df11.runtime.testmodels.RandomModelWriter;
import dev.df11.runtime.testmodels.RandomModelWriter.Flavor;
import dev.df11.runtime.testmodels.TestModels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiConsumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Bf16WeightStoreTest {

    @Test
    void mapsEveryMatrixWithoutCopying() throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("store"), Flavor.LLAMA3_UNTIED, 1);
        try (WeightStore store = WeightStores.open(dir, WeightStores.Df11Options.defaults());
             SafetensorsDirectory files = SafetensorsDirectory.open(dir)) {
            assertEquals("BF16", store.kind());
            WeightUnit layer = store.layerUnit(1);
            assertFalse(layer.compressed());
            assertEquals(ModelLayout.layerMatrices(1), layer.matrices().stream().map(MatrixSlot::name).toList());
            Bf16Matrix q = store.acquire(layer).matrix("model.layers.1.self_attn.q_proj.weight");
            assertTrue(q.data().isMapped(), "q_proj should be a slice of the file mapping");
            assertEquals(-1, q.data().mismatch(files.data("model.layers.1.self_attn.q_proj.weight")));
            assertEquals(files.dataBytes(), store.residentWeightBytes());
            // Untied: a separate output unit.
            assertEquals("lm_head", store.outputUnit().name());
        }
    }

    @Test
    void tiedModelsReuseTheEmbeddingUnit() throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("tied"), Flavor.LLAMA2_TIED, 1);
        try (WeightStore store = WeightStores.open(dir, WeightStores.Df11Options.defaults())) {
            assertEquals(store.embeddingUnit(), store.outputUnit());
        }
    }

    @Test
    void missingTensorIsNamed() throws IOException {
        String message = brokenStore((writer, arena) -> { }, "model.layers.0.mlp.up_proj.weight");
        assertTrue(message.contains("model.layers.0.mlp.up_proj.weight") && message.contains("missing"), message);
    }

    @Test
    void wrongShapeIsNamed() throws IOException {
        String message = brokenStore((writer, arena) -> writer.add("model.layers.0.mlp.up_proj.weight", DType.BF16,
                new long[] {RandomModelWriter.DIM, RandomModelWriter.HIDDEN},
                arena.allocate(2L * RandomModelWriter.DIM * RandomModelWriter.HIDDEN)),
                "model.layers.0.mlp.up_proj.weight");
        assertTrue(message.contains("model.layers.0.mlp.up_proj.weight") && message.contains("shape"), message);
    }

    @Test
    void wrongDtypeIsNamed() throws IOException {
        String message = brokenStore((writer, arena) -> writer.add("model.norm.weight", DType.F32,
                new long[] {RandomModelWriter.DIM}, arena.allocate(4L * RandomModelWriter.DIM)), "model.norm.weight");
        assertTrue(message.contains("model.norm.weight") && message.contains("F32"), message);
    }

    /** Copies a random model but replaces tensor {@code dropped} with whatever {@code replace} adds. */
    private static String brokenStore(BiConsumer<SafetensorsWriter, Arena> replace, String dropped) throws IOException {
        Path good = RandomModelWriter.write(TestModels.newFolder("good"), Flavor.LLAMA3_UNTIED, 2);
        Path bad = TestModels.newFolder("bad");
        Files.copy(good.resolve("config.json"), bad.resolve("config.json"));
        SafetensorsWriter writer = new SafetensorsWriter();
        Arena arena = Arena.ofAuto();
        try (SafetensorsDirectory files = SafetensorsDirectory.open(good)) {
            for (String name : files.tensorNames()) {
                if (!name.equals(dropped)) {
                    MemorySegment copy = arena.allocate(files.data(name).byteSize());
                    copy.copyFrom(files.data(name));
                    writer.add(name, files.tensor(name).dtype(), files.tensor(name).shape(), copy);
                }
            }
        }
        replace.accept(writer, arena);
        writer.write(bad.resolve("model.safetensors"));
        return assertThrows(WeightFormatException.class,
                () -> WeightStores.open(bad, WeightStores.Df11Options.defaults())).getMessage();
    }
}
