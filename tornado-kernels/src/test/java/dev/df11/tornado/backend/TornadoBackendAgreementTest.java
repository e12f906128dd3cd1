package dev.df11.tornado.backend;

import dev.df11.tornado.forward.KernelTuning;
import dev.df11.tornado.forward.ProductKernel;
import dev.df11.runtime.cpu.CpuBackend;
import dev.df11.tornado.forward.weights.DecodeMode;
import dev.df11.runtime.testmodels.RandomModelWriter;
import dev.df11.runtime.testmodels.TestModels;
import dev.df11.runtime.weights.WeightStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The TornadoVM backend against the CPU backend on tiny random models of every family switch the runtime knows
 * (grouped KV heads, Qwen2 biases with tied embeddings, Qwen3 per-head norms with an explicit head size, Llama 3.1
 * rope scaling with an untied head, Mistral with a window of 3 positions): the same greedy tokens, logits within fp32
 * reduction differences, and the DF11 copy of the model giving bit-identical logits to its BF16 source on the device.
 */
class TornadoBackendAgreementTest {

    /**
     * Logit differences that fp32 summation order explains (different reduction trees, fused multiply-adds, the norm
     * applied after the dot product): about 1e-6 of the largest logit on PoCL; a wrong index or a missing norm moves
     * logits by whole percents.
     */
    static final double LOGIT_TOLERANCE = 5e-5;

    private static final int[] PROMPT = {3, 17, 42, 5, 88, 9};
    private static final int STEPS = 12;
    private static final int CONTEXT = 64;
    private static final int MAX_BATCH = 4;

    /** Every flavor (the families beyond the Llama block: {@link TornadoFamiliesAgreementTest}). */
    @ParameterizedTest
    @EnumSource(RandomModelWriter.Flavor.class)
    void agreesWithCpuAndDf11IsBitIdentical(RandomModelWriter.Flavor flavor) throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder(flavor.name()), flavor, 11);
        var options = new WeightStores.Df11Options(2);
        Generation cpu = Generation.run(new CpuBackend(2), WeightStores.open(dir, options), PROMPT, STEPS, CONTEXT,
                MAX_BATCH);
        Generation bf16 = Generation.run(tornado(), WeightStores.open(dir, options), PROMPT, STEPS, CONTEXT,
                MAX_BATCH);
        Generation df11 = Generation.run(tornado(), WeightStores.open(TestModels.compress(dir), options), PROMPT,
                STEPS, CONTEXT, MAX_BATCH);

        double difference = cpu.maxRelativeDifference(bf16);
        System.out.printf("%s: %d steps, tornado vs cpu logits, max relative difference %.3g%n", flavor,
                cpu.logits().size(), difference);
        assertTrue(difference < LOGIT_TOLERANCE, flavor + ": logits differ from the CPU backend's by " + difference);
        assertArrayEquals(cpu.tokens(), bf16.tokens(), flavor + ": greedy tokens differ from the CPU backend's");
        assertEquals(bf16.logits().size(), df11.logits().size());
        for (int step = 0; step < bf16.logits().size(); step++) {
            assertArrayEquals(bits(bf16.logits().get(step)), bits(df11.logits().get(step)),
                    flavor + ": DF11 logits differ from BF16 logits at step " + step);
        }
    }

    /**
     * Both layers in one graph: the same bits (decoding is exact); and a kernel that writes BF16 rather than the
     * exponent plane the forward pass reads is refused by name.
     */
    @Test
    void layersGroupedIntoOneGraphGiveTheSameBits() throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("grouped"), RandomModelWriter.Flavor.QWEN3, 12);
        Path df11Dir = TestModels.compress(dir);
        var options = new WeightStores.Df11Options(2);
        Generation perBlock = Generation.run(tornado(), WeightStores.open(df11Dir, options), PROMPT, STEPS, CONTEXT,
                MAX_BATCH);
        Generation grouped = Generation.run(new TornadoBackend(TornadoBackendOptions.defaults().withDecodeMode(DecodeMode.EXACT)
                .withLayersPerGraph(RandomModelWriter.LAYERS), null),
                WeightStores.open(df11Dir, options), PROMPT, STEPS, CONTEXT, MAX_BATCH);
        assertArrayEquals(perBlock.tokens(), grouped.tokens());
        assertEquals(perBlock.logits().size(), grouped.logits().size());
        for (int step = 0; step < perBlock.logits().size(); step++) {
            assertArrayEquals(bits(perBlock.logits().get(step)), bits(grouped.logits().get(step)),
                    "one graph for both layers changed the logits at step " + step);
        }
    }

    /**
     * Twelve layers of DF11 units decoded exactly, with their tail tasks, are more nodes than one TornadoVM task graph
     * holds: asked for all twelve in one graph, the backend builds fewer per graph, and the logits are those of one
     * graph per block, bit for bit.
     */
    @Test
    void layersThatOverflowATaskGraphAreSplitAndGiveTheSameBits() throws IOException {
        int layers = 12;
        Path dir = RandomModelWriter.write(TestModels.newFolder("deep"), RandomModelWriter.Flavor.LLAMA3_UNTIED, 14,
                layers);
        Path df11Dir = TestModels.compress(dir);
        var options = new WeightStores.Df11Options(2);
        TornadoBackend grouped = new TornadoBackend(TornadoBackendOptions.defaults().withDecodeMode(DecodeMode.EXACT).withLayersPerGraph(layers), null);
        int[] used = new int[1];
        Generation all = Generation.run(grouped, WeightStores.open(df11Dir, options), PROMPT, STEPS, CONTEXT,
                MAX_BATCH, () -> used[0] = grouped.layersPerGraph());
        assertTrue(used[0] < layers, "twelve layers in one graph were expected to overflow it; " + used[0]
                + " per graph were built");
        Generation perBlock = Generation.run(tornado(), WeightStores.open(df11Dir, options), PROMPT, STEPS, CONTEXT,
                MAX_BATCH);
        assertArrayEquals(perBlock.tokens(), all.tokens());
        for (int step = 0; step < perBlock.logits().size(); step++) {
            assertArrayEquals(bits(perBlock.logits().get(step)), bits(all.logits().get(step)),
                    used[0] + " layers per graph changed the logits at step " + step);
        }
    }

    /**
     * The fused decode-and-multiply kernels, the nibble layout's kernels and the two-phase decode give the same
     * logits, bit for bit (and the nibble mode really laid its units out so).
     */
    @ParameterizedTest
    @EnumSource(value = DecodeMode.class, names = {"FUSED", "NIBBLE"})
    void everyDecodeModeGivesTheExactDecodesBits(DecodeMode mode) throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("modes-" + mode.id()),
                RandomModelWriter.Flavor.LLAMA3_UNTIED, 13);
        Path df11Dir = TestModels.compress(dir);
        var options = new WeightStores.Df11Options(2);
        TornadoBackend backend = new TornadoBackend(TornadoBackendOptions.defaults().withDecodeMode(mode), null);
        Generation chosen = Generation.run(backend, WeightStores.open(df11Dir, options), PROMPT, STEPS, CONTEXT,
                MAX_BATCH, () -> assertTrue(mode != DecodeMode.NIBBLE || backend.nibbleLayoutBytes() > 0,
                        "no unit was laid out in nibbles"));
        Generation exact = Generation.run(new TornadoBackend(TornadoBackendOptions.defaults()
                .withDecodeMode(DecodeMode.EXACT), null), WeightStores.open(df11Dir, options), PROMPT, STEPS,
                CONTEXT, MAX_BATCH);
        assertArrayEquals(exact.tokens(), chosen.tokens());
        for (int step = 0; step < exact.logits().size(); step++) {
            assertArrayEquals(bits(exact.logits().get(step)), bits(chosen.logits().get(step)),
                    mode.id() + " changed the logits at step " + step);
        }
    }

    /**
     * Every product kernel a tuning rule can name, on the same work-items per row, gives the default kernel's logits
     * bit for bit, on BF16 weights and on their DF11 copy in the nibble layout (each kernel's nibble form): a
     * 19-token prompt in batches of 16 and 3 (the staged kernel's tile of eight, the two-row kernel's tier of
     * sixteen, and their one-token tails), then one token a step.
     */
    @ParameterizedTest
    @EnumSource(ProductKernel.class)
    void everyProductKernelGivesTheSameBits(ProductKernel kernel) throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("product-" + kernel.key()),
                RandomModelWriter.Flavor.LLAMA3_UNTIED, 14);
        int[] prompt = {3, 17, 42, 5, 80, 9, 11, 2, 64, 7, 31, 8, 50, 1, 23, 6, 77, 12, 40};
        int maxBatch = 16;
        KernelTuning base = KernelTuning.defaults().withMatVec(128, 2);
        KernelTuning named = new KernelTuning("product-" + kernel.key(), 128, 2, base.norm(), base.attention(),
                base.elementwise(), List.of(new KernelTuning.ShapeRule(0, 0, new KernelTuning.MatVecLaunch(128, 2),
                        kernel, 0)));
        var options = new WeightStores.Df11Options(2);
        Generation reference = Generation.run(new TornadoBackend(TornadoBackendOptions.defaults().withDecodeMode(DecodeMode.EXACT).withTuning(base),
                null), WeightStores.open(dir, options), prompt, STEPS, CONTEXT, maxBatch);
        Generation chosen = Generation.run(new TornadoBackend(TornadoBackendOptions.defaults().withDecodeMode(DecodeMode.EXACT).withTuning(named),
                null), WeightStores.open(dir, options), prompt, STEPS, CONTEXT, maxBatch);
        Generation nibble = Generation.run(new TornadoBackend(TornadoBackendOptions.defaults().withDecodeMode(DecodeMode.EXACT).withTuning(named)
                .withDecodeMode(DecodeMode.NIBBLE), null), WeightStores.open(TestModels.compress(dir), options),
                prompt, STEPS, CONTEXT, maxBatch);
        assertArrayEquals(reference.tokens(), chosen.tokens());
        assertArrayEquals(reference.tokens(), nibble.tokens());
        for (int step = 0; step < reference.logits().size(); step++) {
            assertArrayEquals(bits(reference.logits().get(step)), bits(chosen.logits().get(step)),
                    kernel.key() + " changed the logits at step " + step);
            assertArrayEquals(bits(reference.logits().get(step)), bits(nibble.logits().get(step)),
                    kernel.key() + " on the nibble layout (DF11) changed the logits at step " + step);
        }
    }

    /**
     * The tails run as tasks of their own after the product kernels ({@link KernelTuning#tailTask}, kept for timing
     * the fold against): the folded logits, bit for bit, on BF16 weights and on their DF11 copy in the nibble layout,
     * a 9-token prompt in batches of 4 and then one token a step.
     */
    @Test
    void tailsAsTasksGiveTheFoldedBits() throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("tail-tasks"), RandomModelWriter.Flavor.LLAMA3_UNTIED,
                15);
        int[] prompt = {3, 17, 42, 5, 80, 9, 11, 2, 64};
        KernelTuning base = KernelTuning.defaults();
        KernelTuning tasks = new KernelTuning("tail-tasks", base.matVec(), base.matVecRows(), base.norm(),
                base.attention(), base.elementwise(), base.byShape(), false, true);
        var options = new WeightStores.Df11Options(2);
        for (Path model : List.of(dir, TestModels.compress(dir))) {
            TornadoBackend folded = new TornadoBackend(TornadoBackendOptions.defaults().withTuning(base)
                    .withDecodeMode(DecodeMode.NIBBLE), null);
            long[] entries = new long[1];
            Generation reference = Generation.run(folded, WeightStores.open(model, options), prompt, STEPS, CONTEXT,
                    4, () -> entries[0] = folded.tailEntries());
            assertTrue(entries[0] > 0, "the case needs tail weights");
            Generation tasked = Generation.run(new TornadoBackend(TornadoBackendOptions.defaults().withTuning(tasks)
                    .withDecodeMode(DecodeMode.NIBBLE), null), WeightStores.open(model, options), prompt, STEPS,
                    CONTEXT, 4);
            assertArrayEquals(reference.tokens(), tasked.tokens());
            for (int step = 0; step < reference.logits().size(); step++) {
                assertArrayEquals(bits(reference.logits().get(step)), bits(tasked.logits().get(step)),
                        model.getFileName() + ": the tails as tasks changed the logits at step " + step);
            }
        }
    }

    static TornadoBackend tornado() {
        return new TornadoBackend(TornadoBackendOptions.defaults().withDecodeMode(DecodeMode.EXACT), null);
    }

    static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }
}
