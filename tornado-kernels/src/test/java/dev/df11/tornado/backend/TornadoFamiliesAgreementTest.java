package dev.df11.tornado.backend;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.df11.runtime.backend.Backend;
import dev.df11.runtime.cpu.CpuBackend;
import dev.df11.runtime.testmodels.TestModels;
import dev.df11.runtime.weights.WeightStores;
import dev.df11.tornado.testing.HfModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static dev.df11.tornado.backend.TornadoBackendAgreementTest.LOGIT_TOLERANCE;
import static dev.df11.tornado.backend.TornadoBackendAgreementTest.bits;
import static dev.df11.tornado.backend.TornadoBackendAgreementTest.tornado;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every family on the device, on the tiny random models transformers itself saved (the runtime's twelve reference
 * models): Llama 2 (tied), Llama 3.1 (llama3 rope, untied), Llama with yarn and with longrope scaling, Qwen2 (tied),
 * Qwen3 (q/k norms, untied), Mistral with a window of 8, Gemma 3 (tied with final soft-capping and linear-scaled
 * global rope; untied; the language model of a multimodal checkpoint) and Phi-3 (fused projections with partial
 * rotary and longrope; a sliding window). Each window is shorter than the prompt, so every step past it attends within the
 * window. Per model: the same greedy tokens as the CPU backend and logits within {@link
 * TornadoBackendAgreementTest#LOGIT_TOLERANCE}; transformers' greedy tokens wherever its top-2 margin is clear; and
 * the DF11 copy giving bit-identical logits to its BF16 source on the device.
 */
class TornadoFamiliesAgreementTest {

    private static final int CONTEXT = 64;
    private static final int MAX_BATCH = 4;
    /** Steps whose reference top-2 margin is below this may flip on fp32 summation order (the runtime's bar). */
    private static final double CLEAR_MARGIN = 1e-3;
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"llama2-tied", "llama31-untied", "llama-yarn-tied", "llama-longrope-untied", "qwen2-tied",
            "qwen3-untied", "mistral-window8", "gemma3-tied", "gemma3-untied", "gemma3-multimodal-untied",
            "phi3-longrope-partial-untied", "phi3-window-tied"})
    void agreesWithCpuAndTransformersAndDf11IsBitIdentical(String model) throws IOException {
        Path dir = HfModels.folder(model);
        HfModels.Reference reference = HfModels.reference(model);
        int steps = reference.greedy().length;
        var options = new WeightStores.Df11Options(2);
        Generation cpu = Generation.run(new CpuBackend(2), WeightStores.open(dir, options), reference.prompt(), steps,
                CONTEXT, MAX_BATCH);
        Generation bf16 = Generation.run(tornado(), WeightStores.open(dir, options), reference.prompt(), steps,
                CONTEXT, MAX_BATCH);
        Generation df11 = Generation.run(tornado(), WeightStores.open(TestModels.compress(dir), options),
                reference.prompt(), steps, CONTEXT, MAX_BATCH);

        double difference = cpu.maxRelativeDifference(bf16);
        System.out.printf("%s: %d steps, tornado vs cpu logits, max relative difference %.3g%n", model,
                cpu.logits().size(), difference);
        assertTrue(difference < LOGIT_TOLERANCE, model + ": logits differ from the CPU backend's by " + difference);
        assertArrayEquals(cpu.tokens(), bf16.tokens(), model + ": greedy tokens differ from the CPU backend's");
        int compared = 0;
        for (int step = 0; step < steps && reference.margin()[step] > CLEAR_MARGIN; step++, compared++) {
            assertEquals(reference.greedy()[step], bf16.tokens()[step],
                    model + ": step " + step + " differs from transformers' greedy token");
        }
        System.out.printf("%s: %d of %d greedy tokens compared with transformers' (clear margins)%n", model, compared,
                steps);
        assertEquals(bf16.logits().size(), df11.logits().size());
        for (int step = 0; step < bf16.logits().size(); step++) {
            assertArrayEquals(bits(bf16.logits().get(step)), bits(df11.logits().get(step)),
                    model + ": DF11 logits differ from BF16 logits at step " + step);
        }
    }

    /** The windows matter: the same Mistral model with its window removed gives far different device logits. */
    @Test
    void removingMistralsWindowChangesTheDeviceLogits() throws IOException {
        assertWindowMatters("mistral-window8", config -> config.putNull("sliding_window"),
                TornadoBackendAgreementTest::tornado);
    }

    /**
     * Gemma 3's local layers' window matters too (a window as long as the context masks nothing), so the agreement
     * above, within a tolerance far below this difference, checks the device's window. Shown on the CPU backend,
     * which compiles nothing: a third device run of the model would add many seconds of kernel compilation.
     */
    @Test
    void wideningGemmasLocalWindowChangesTheLogits() throws IOException {
        assertWindowMatters("gemma3-tied", config -> config.put("sliding_window", CONTEXT), () -> new CpuBackend(2));
    }

    private static void assertWindowMatters(String model, Consumer<ObjectNode> edit,
            Supplier<Backend> backend) throws IOException {
        HfModels.Reference reference = HfModels.reference(model);
        int steps = reference.greedy().length;
        var options = new WeightStores.Df11Options(2);
        Path dir = HfModels.folder(model);
        Generation windowed = Generation.run(backend.get(), WeightStores.open(dir, options), reference.prompt(),
                steps, CONTEXT, MAX_BATCH);
        ObjectNode config = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
        edit.accept(config);
        Files.writeString(dir.resolve("config.json"), config.toPrettyString());
        Generation full = Generation.run(backend.get(), WeightStores.open(dir, options), reference.prompt(), steps,
                CONTEXT, MAX_BATCH);
        double difference = windowed.maxRelativeDifference(full);
        assertTrue(difference > 100 * LOGIT_TOLERANCE, model + ": without the window the logits moved by only "
                + difference);
    }
}
