package dev.df11.runtime.reference;

import dev.df11.runtime.testmodels.DefaultsBackend;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.df11.runtime.inference.ForwardPass;
import dev.df11.runtime.model.UnsupportedModelException;
import dev.df11.runtime.testmodels.HfReferences;
import dev.df11.runtime.testmodels.HfReferences.ConfigGeneration;
import dev.df11.runtime.testmodels.HfReferences.Reference;
import dev.df11.runtime.testmodels.Runtimes;
import dev.df11.runtime.weights.WeightStore;
import dev.df11.runtime.weights.WeightStores;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gemma 3 beyond {@link TransformersAgreementTest}'s agreement: the references see what makes Gemma 3 different
 * (a runtime without final soft-capping or without the global layers' own rope would not match them), and a backend
 * with only the Llama block (one keeping {@code Backend}'s default refusals) refuses the family before it loads
 * anything.
 */
class Gemma3ReferenceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theReferenceNeedsTheFinalSoftcapping() throws IOException {
        assertReferenceNeeds("gemma3-tied", config -> config.putNull("final_logit_softcapping"));
    }

    @Test
    void theReferenceNeedsTheGlobalLayersOwnRope() throws IOException {
        assertReferenceNeeds("gemma3-untied", config -> ((ObjectNode) config.get("rope_parameters"))
                .set("full_attention", config.get("rope_parameters").get("sliding_attention")));
    }

    @Test
    void theReferenceNeedsTheQueryPreAttentionScalar() throws IOException {
        assertReferenceNeeds("gemma3-untied", config -> config.put("query_pre_attn_scalar",
                config.get("head_dim").asInt()));
    }

    @Test
    void theReferenceNeedsTheSlidingWindow() throws IOException {
        assertReferenceNeeds("gemma3-untied", config -> config.put("sliding_window", 64));
    }

    /** The DF11 copy of a multimodal folder compresses the language model's matrices under their prefix. */
    @Test
    void theMultimodalDf11CopyCompressesTheLanguageModel() throws IOException {
        HfReferences.requireAvailable();
        Path df11 = dev.df11.runtime.testmodels.TestModels.compress(
                HfReferences.modelFolder("gemma3-multimodal-untied", ConfigGeneration.TRANSFORMERS_5));
        ObjectNode config = (ObjectNode) JSON.readTree(df11.resolve("config.json").toFile());
        var patterns = new java.util.TreeSet<String>();
        config.get("dfloat11_config").get("pattern_dict").fieldNames().forEachRemaining(patterns::add);
        assertTrue(patterns.equals(java.util.Set.of("language_model\\.model\\.layers\\.\\d+",
                "language_model\\.model\\.embed_tokens", "language_model\\.lm_head")), patterns.toString());
    }

    /** A multimodal folder whose language model is not under a known prefix is refused naming what was looked for. */
    @Test
    void multimodalFolderWithoutTheLanguageModelPrefixIsRefused() throws IOException {
        HfReferences.requireAvailable();
        Path dir = HfReferences.modelFolder("gemma3-multimodal-untied", ConfigGeneration.TRANSFORMERS_5);
        Path textOnly = HfReferences.modelFolder("gemma3-untied", ConfigGeneration.TRANSFORMERS_5);
        Files.copy(textOnly.resolve("model.safetensors"), dir.resolve("model.safetensors"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String message = assertThrows(dev.df11.runtime.weights.WeightFormatException.class,
                () -> WeightStores.open(dir, WeightStores.Df11Options.defaults())).getMessage();
        assertTrue(message.contains("language_model.model.embed_tokens.weight"), message);
        assertTrue(message.contains(dir.toString()), message);
    }

    @Test
    void aBackendWithOnlyTheLlamaBlockRefusesGemma3BeforeLoading() throws IOException {
        DefaultsBackend backend = new DefaultsBackend();
        Path dir = HfReferences.modelFolder("gemma3-untied", ConfigGeneration.TRANSFORMERS_5);
        WeightStore weights = WeightStores.open(dir, WeightStores.Df11Options.defaults());
        try (weights) {
            String message = assertThrows(UnsupportedModelException.class,
                    () -> new ForwardPass(backend, weights, 4, 1)).getMessage();
            assertTrue(message.contains("backend 'device' cannot run this model"), message);
            assertTrue(message.contains("gemma3_text"), message);
            assertTrue(message.contains("--backend cpu"), message);
        }
        assertFalse(backend.loaded(), "the backend loaded a model it cannot run");
    }

    /** With the config changed by {@code edit}, the CPU logits leave the reference by far more than the tolerance. */
    static void assertReferenceNeeds(String model, java.util.function.Consumer<ObjectNode> edit)
            throws IOException {
        HfReferences.requireAvailable();
        Reference reference = HfReferences.reference(model);
        Path dir = HfReferences.modelFolder(model, ConfigGeneration.TRANSFORMERS_5);
        ObjectNode config = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
        edit.accept(config);
        Files.writeString(dir.resolve("config.json"), config.toPrettyString());
        double worst = 0;
        try (ForwardPass forward = Runtimes.open(dir, TransformersAgreementTest.CONTEXT,
                TransformersAgreementTest.BATCH)) {
            float[] logits = forward.forward(reference.prompt(), 0);
            int position = reference.prompt().length;
            for (int step = 0; step < reference.logits().length; step++) {
                if (step > 0) {
                    logits = forward.forward(new int[] {reference.greedy()[step - 1]}, position++);
                }
                for (int i = 0; i < logits.length; i++) {
                    worst = Math.max(worst, Math.abs((double) reference.logits()[step][i] - logits[i]));
                }
            }
        }
        assertTrue(worst > 100 * TransformersAgreementTest.LOGIT_TOLERANCE, "the edited config still matches "
                + "the reference within " + worst);
    }
}
