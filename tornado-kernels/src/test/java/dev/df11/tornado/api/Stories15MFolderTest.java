package dev.df11.tornado.api;

import dev.df11.format.model.CompressOptions;
import dev.df11.format.model.Df11Compressor;
import dev.df11.format.model.Df11Model;
import dev.df11.format.model.ProgressListener;
import dev.df11.format.safetensors.DType;
import dev.df11.format.safetensors.SafetensorsWriter;
import dev.df11.tornado.testing.Stories15M;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Units read from a DF11 model folder (the first two layers of the real stories15M, compressed by our compressor):
 * names, shapes and offsets as the folder gives them, and two decode tasks in one user graph, each output bit for bit
 * the CPU decoder's and the original weights.
 */
class Stories15MFolderTest {

    private static final int LAYERS = 2;

    @TempDir
    static Path tmp;
    private static Path df11Dir;
    private static List<List<MemorySegment>> originals;

    @BeforeAll
    static void compressTwoLayers() throws IOException {
        Path bf16Dir = Files.createDirectories(tmp.resolve("bf16"));
        originals = new ArrayList<>();
        SafetensorsWriter writer = new SafetensorsWriter().putMetadata("format", "pt");
        try (Stories15M model = Stories15M.open()) {
            List<long[]> shapes = model.layerShapes();
            for (int layer = 0; layer < LAYERS; layer++) {
                List<MemorySegment> matrices = model.layerMatricesAsBf16(layer);
                originals.add(matrices);
                for (int m = 0; m < matrices.size(); m++) {
                    writer.add(weightName(layer, m), DType.BF16, shapes.get(m), matrices.get(m));
                }
            }
            Files.writeString(bf16Dir.resolve("config.json"), """
                    {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": %d,
                     "intermediate_size": %d, "num_attention_heads": 6, "num_key_value_heads": 6,
                     "num_hidden_layers": %d, "vocab_size": 32000}
                    """.formatted(model.dim, model.hidden, LAYERS));
        }
        writer.write(bf16Dir.resolve("model.safetensors"));
        df11Dir = tmp.resolve("df11");
        Df11Compressor.compress(bf16Dir, df11Dir, CompressOptions.defaults().withThreads(2), ProgressListener.NONE);
    }

    private static String weightName(int layer, int matrix) {
        return "model.layers." + layer + "." + Stories15M.LAYER_ATTRS.get(matrix) + ".weight";
    }

    @Test
    void loadGivesTheFoldersNamesShapesAndOffsets() throws IOException {
        CompressedUnit unit = CompressedUnit.load(df11Dir, "model.layers.1");
        assertEquals("model.layers.1", unit.name());
        assertTrue(unit.source().endsWith(".safetensors"), unit.source());
        assertEquals(7, unit.matrixCount());
        try (Df11Model model = Df11Model.open(df11Dir)) {
            assertEquals(model.matrixNames("model.layers.1"), unit.matrices().stream().map(UnitMatrix::name).toList());
            long[] splits = model.unit("model.layers.1").splitPositions();
            for (int m = 1; m < 7; m++) {
                assertEquals(splits[m - 1], unit.matrixOffset(m));
            }
            assertEquals(model.unit("model.layers.1").elementCount(), unit.elements());
        }
        assertArrayEquals(new long[] {768, 288}, unit.matrix("model.layers.1.mlp.up_proj.weight").shape());
        assertArrayEquals(new long[] {288, 768}, unit.matrixShape(6));
        assertEquals(288 * 288 * 4 + 768 * 288 * 3, unit.elements());

        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> CompressedUnit.load(df11Dir, "model.layers.7"));
        assertTrue(missing.getMessage().contains("model.layers.7"), missing.getMessage());
    }

    @Test
    void twoDecodeTasksInOneGraphGiveTheOriginalLayers() throws IOException {
        List<CompressedUnit> units = new ArrayList<>();
        List<ShortArray> outputs = new ArrayList<>();
        TaskGraph graph = new TaskGraph("layers");
        GridScheduler grids = new GridScheduler();
        List<DecodeTask> tasks = new ArrayList<>();
        for (int layer = 0; layer < LAYERS; layer++) {
            CompressedUnit unit = CompressedUnit.load(df11Dir, "model.layers." + layer);
            ShortArray output = unit.allocateOutput();
            DecodeTask task = Df11Tasks.addDecode(graph, "decode" + layer, unit, output);
            task.registerIn(grids);
            units.add(unit);
            outputs.add(output);
            tasks.add(task);
        }
        graph.transferToHost(DataTransferMode.EVERY_EXECUTION, outputs.toArray());
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot()).withGridScheduler(grids)) {
            TornadoExecutionResult result = plan.execute();
            for (DecodeTask task : tasks) {
                task.verify(result);
            }
        } catch (TornadoExecutionPlanException e) {
            throw new IllegalStateException(e);
        }
        try (Df11Model model = Df11Model.open(df11Dir)) {
            for (int layer = 0; layer < LAYERS; layer++) {
                short[] device = outputs.get(layer).toHeapArray();
                UserGraphs.assertSameBits(UserGraphs.cpuDecode(model.unit("model.layers." + layer)), device,
                        "layer " + layer);
                for (int m = 0; m < 7; m++) {
                    UnitMatrix matrix = units.get(layer).matrix(weightName(layer, m));
                    short[] original = originals.get(layer).get(m).toArray(ValueLayout.JAVA_SHORT);
                    short[] decoded = new short[matrix.elements()];
                    System.arraycopy(device, matrix.offset(), decoded, 0, decoded.length);
                    assertArrayEquals(original, decoded, matrix.name());
                }
            }
        }
    }
}
