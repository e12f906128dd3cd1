package dev.df11.runtime.reference;

import dev.df11.runtime.testmodels.DefaultsBackend;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.df11.runtime.inference.ForwardPass;
import dev.df11.runtime.model.UnsupportedModelException;
import dev.df11.runtime.testmodels.HfReferences;
import dev.df11.runtime.testmodels.HfReferences.ConfigGeneration;
import dev.df11.runtime.testmodels.TestModels;
import dev.df11.runtime.weights.WeightStore;
import dev.df11.runtime.weights.WeightStores;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Phi-3 beyond {@link TransformersAgreementTest}'s agreement: the references see the window and the partial rotary,
 * {@code df11 compress} picks the fused units by itself, and a backend with only the Llama block refuses the family
 * before it loads anything.
 */
class Phi3ReferenceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theReferenceNeedsTheWindow() throws IOException {
        Gemma3ReferenceTest.assertReferenceNeeds("phi3-window-tied", config -> config.putNull("sliding_window"));
    }

    /** Rotating whole heads (with plain rope, as the longrope factors cover half a head) leaves the reference. */
    @Test
    void theReferenceNeedsThePartialRotary() throws IOException {
        Gemma3ReferenceTest.assertReferenceNeeds("phi3-longrope-partial-untied", config -> {
            config.put("partial_rotary_factor", 1.0);
            config.set("rope_parameters", JSON.valueToTree(Map.of("rope_type", "default", "rope_theta", 10000.0)));
        });
    }

    @Test
    void compressPicksTheFusedUnits() throws IOException {
        HfReferences.requireAvailable();
        Path df11 = TestModels.compress(
                HfReferences.modelFolder("phi3-longrope-partial-untied", ConfigGeneration.TRANSFORMERS_5));
        ObjectNode config = (ObjectNode) JSON.readTree(df11.resolve("config.json").toFile());
        var patternDict = config.get("dfloat11_config").get("pattern_dict");
        assertEquals(JSON.valueToTree(List.of("self_attn.qkv_proj", "self_attn.o_proj", "mlp.gate_up_proj",
                "mlp.down_proj")), patternDict.get("model\\.layers\\.\\d+"), patternDict.toString());
    }

    @Test
    void aBackendWithOnlyTheLlamaBlockRefusesPhi3BeforeLoading() throws IOException {
        DefaultsBackend backend = new DefaultsBackend();
        Path dir = HfReferences.modelFolder("phi3-longrope-partial-untied", ConfigGeneration.TRANSFORMERS_5);
        WeightStore weights = WeightStores.open(dir, WeightStores.Df11Options.defaults());
        try (weights) {
            String message = assertThrows(UnsupportedModelException.class,
                    () -> new ForwardPass(backend, weights, 4, 1)).getMessage();
            assertTrue(message.contains("fused qkv_proj and gate_up_proj and partial rotary (12 of 24"), message);
            assertTrue(message.contains("--backend cpu"), message);
        }
        assertFalse(backend.loaded(), "the backend loaded a model it cannot run");
    }
}
