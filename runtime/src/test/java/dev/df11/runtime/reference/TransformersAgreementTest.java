package dev.df11.runtime.reference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.df11.runtime.inference.ForwardPass;
import dev.df11.runtime.inference.GenerationResult;
import dev.df11.runtime.inference.GenerationSettings;
import dev.df11.runtime.inference.Generator;
import dev.df11.runtime.inference.Sampler;
import dev.df11.runtime.inference.StopReason;
import dev.df11.runtime.model.ModelConfig;
import dev.df11.runtime.model.ModelConfigParser;
import dev.df11.runtime.testmodels.HfReferences;
import dev.df11.runtime.testmodels.HfReferences.ConfigGeneration;
import dev.df11.runtime.testmodels.HfReferences.Reference;
import dev.df11.runtime.testmodels.Runtimes;
import dev.df11.runtime.testmodels.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CPU backend against transformers itself: for every family's reference model (made by
 * {@code make_hf_references.py} with {@code save_pretrained}; float32 math on the BF16 weights, eager attention),
 * opened with its transformers-5 config and with the same config in legacy keys, the logits after the prompt and
 * after each of transformers' greedy tokens agree within {@link #LOGIT_TOLERANCE}, and the greedy choice is the same
 * wherever transformers' top-2 margin is clearer than {@link #CLEAR_MARGIN}. The DF11 copy of each model gives the
 * same logits as its BF16 source, bit for bit.
 */
class TransformersAgreementTest {

    /** Max |df11 - transformers| over every logit of every step. */
    static final double LOGIT_TOLERANCE = 1e-4;
    /** Top-1 minus top-2 logit above which the greedy ids must agree. */
    static final double CLEAR_MARGIN = 1e-3;
    /** Prompt tokens per forward pass: the 10-token prompt runs as 4 + 4 + 2. */
    static final int BATCH = 4;
    static final int CONTEXT = 64;

    static Stream<Arguments> modelsAndGenerations() {
        List<Arguments> out = new ArrayList<>();
        for (String model : HfReferences.models()) {
            for (ConfigGeneration generation : ConfigGeneration.values()) {
                out.add(Arguments.of(model, generation));
            }
        }
        return out.stream();
    }

    static Stream<String> models() {
        return HfReferences.models().stream();
    }

    @Test
    void everyFamilyHasAReference() {
        HfReferences.requireAvailable();
        Set<String> models = new TreeSet<>(HfReferences.models());
        for (String expected : HfReferences.MODELS) {
            assertTrue(models.contains(expected), expected + " missing from " + models);
        }
    }

    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("modelsAndGenerations")
    void cpuLogitsAndGreedyIdsMatchTransformers(String model, ConfigGeneration generation) throws IOException {
        HfReferences.requireAvailable();
        Reference reference = HfReferences.reference(model);
        Path dir = HfReferences.modelFolder(model, generation);
        float[][] logits = run(dir, reference);
        double worst = 0;
        int compared = 0;
        for (int step = 0; step < logits.length; step++) {
            worst = Math.max(worst, maxAbsDifference(reference.logits()[step], logits[step]));
            if (reference.margin()[step] > CLEAR_MARGIN) {
                compared++;
                assertEquals(reference.greedy()[step], Sampler.argmax(logits[step]),
                        model + " step " + step + ": greedy id differs (margin " + reference.margin()[step] + ")");
            }
        }
        System.out.printf("transformers agreement %s (%s): max |logit difference| %.3g over %d steps, "
                + "%d greedy ids compared%n", model, generation, worst, logits.length, compared);
        assertTrue(worst <= LOGIT_TOLERANCE, model + " (" + generation + "): max logit difference " + worst);
        assertTrue(compared >= logits.length / 2, model + ": only " + compared + " steps had a clear margin");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void df11CopyGivesBitIdenticalLogits(String model) throws IOException {
        HfReferences.requireAvailable();
        Reference reference = HfReferences.reference(model);
        Path bf16 = HfReferences.modelFolder(model, ConfigGeneration.TRANSFORMERS_5);
        Path df11 = TestModels.compress(bf16);
        assertTrue(ModelConfigParser.read(df11).df11(), "the compressed copy is not marked DF11");
        float[][] expected = run(bf16, reference);
        float[][] actual = run(df11, reference);
        for (int step = 0; step < expected.length; step++) {
            assertArrayEquals(expected[step], actual[step], model + " step " + step);
        }
    }

    /** Without its window, Mistral's reference would not match: the test sees the window. */
    @Test
    void theMistralReferenceNeedsTheWindow() throws IOException {
        HfReferences.requireAvailable();
        Reference reference = HfReferences.reference("mistral-window8");
        Path dir = HfReferences.modelFolder("mistral-window8", ConfigGeneration.LEGACY);
        ObjectNode config = (ObjectNode) new ObjectMapper().readTree(dir.resolve("config.json").toFile());
        assertTrue(config.get("sliding_window").asInt() < reference.prompt().length + reference.greedy().length - 1);
        config.putNull("sliding_window");
        Files.writeString(dir.resolve("config.json"), config.toPrettyString());
        float[][] logits = run(dir, reference);
        double worst = 0;
        for (int step = 0; step < logits.length; step++) {
            worst = Math.max(worst, maxAbsDifference(reference.logits()[step], logits[step]));
        }
        assertTrue(worst > 100 * LOGIT_TOLERANCE, "full attention differs from the windowed reference by only "
                + worst);
    }

    /** A window shorter than the context limits attention, not generation: Mistral generates past its window. */
    @Test
    void generationGoesPastTheSlidingWindow() throws IOException {
        HfReferences.requireAvailable();
        Path dir = HfReferences.modelFolder("mistral-window8", ConfigGeneration.TRANSFORMERS_5);
        ModelConfig config = ModelConfigParser.read(dir);
        assertEquals(8, config.slidingWindow());
        int context = config.contextLength(0, 2048);
        assertEquals(config.maxPositions(), context);      // 256, not the window
        Reference reference = HfReferences.reference("mistral-window8");
        try (ForwardPass forward = Runtimes.open(dir, context, BATCH)) {
            GenerationResult result = new Generator(forward).generate(reference.prompt(),
                    GenerationSettings.greedy(20), token -> { });
            assertNotEquals(StopReason.CONTEXT_FULL, result.stopReason());
            if (result.stopReason() == StopReason.MAX_TOKENS) {
                assertEquals(20, result.generatedTokens().length);
            }
        }
    }

    /** The prompt in batches, then transformers' greedy tokens one at a time; each step's logits. */
    private static float[][] run(Path dir, Reference reference) throws IOException {
        float[][] out = new float[reference.logits().length][];
        try (ForwardPass forward = Runtimes.open(dir, CONTEXT, BATCH)) {
            out[0] = forward.forward(reference.prompt(), 0).clone();
            int position = reference.prompt().length;
            for (int step = 1; step < out.length; step++) {
                out[step] = forward.forward(new int[] {reference.greedy()[step - 1]}, position++).clone();
            }
        }
        return out;
    }

    private static double maxAbsDifference(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, "vocabulary size");
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs((double) expected[i] - actual[i]));
        }
        return worst;
    }
}
