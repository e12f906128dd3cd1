package dev.df11.runtime.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Phi-3 / Phi-4 configs ({@code phi3}): partial rotary, fused projections, and the refusals around them. */
class Phi3ConfigTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A Phi-4-mini-like config as transformers 5 writes it (layers cut to 2, longrope factors to 48). */
    static final String PHI3_V5 = """
            {"architectures": ["Phi3ForCausalLM"], "attention_dropout": 0.0, "bos_token_id": 199999,
             "dtype": "bfloat16", "embd_pdrop": 0.0, "eos_token_id": 199999, "hidden_act": "silu",
             "hidden_size": 3072, "initializer_range": 0.02, "intermediate_size": 8192,
             "max_position_embeddings": 131072, "model_type": "phi3", "num_attention_heads": 24,
             "num_hidden_layers": 2, "num_key_value_heads": 8, "original_max_position_embeddings": 4096,
             "pad_token_id": 199999, "partial_rotary_factor": 0.75, "resid_pdrop": 0.0, "rms_norm_eps": 1e-05,
             "rope_parameters": {"long_factor": %s, "short_factor": %s, "original_max_position_embeddings": 4096,
                                 "partial_rotary_factor": 0.75, "rope_theta": 10000.0, "rope_type": "longrope"},
             "sliding_window": 262144, "tie_word_embeddings": true, "transformers_version": "5.18.0",
             "use_cache": true, "vocab_size": 200064}""".formatted(factors(1.5), factors(1.0));

    private static String factors(double value) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < 48; i++) {
            out.append(i == 0 ? "" : ", ").append(value);
        }
        return out.append("]").toString();
    }

    private static ObjectNode tree(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }

    private static void assertRefused(JsonNode config, String... fragments) {
        String message = assertThrows(UnsupportedModelException.class,
                () -> ModelConfigParser.parse(config, "bad/config.json")).getMessage();
        assertTrue(message.startsWith("bad/config.json: "), message);
        for (String fragment : fragments) {
            assertTrue(message.contains(fragment), "'" + fragment + "' missing from: " + message);
        }
    }

    @Test
    void partialRotaryAndFusedProjectionsAreRead() throws Exception {
        ModelConfig config = ModelConfigParser.parse(tree(PHI3_V5), "phi4-mini");
        assertEquals(Architecture.PHI3, config.architecture());
        assertTrue(config.fusedProjections());
        assertEquals(128, config.headDim());
        assertEquals(96, config.rotaryDim());
        assertEquals("longrope", config.rope().type());
        assertEquals(262144, config.slidingWindow());
    }

    @Test
    void legacyTopLevelPartialRotaryGivesTheSameModel() throws Exception {
        ObjectNode c = tree(PHI3_V5);
        ObjectNode rope = (ObjectNode) c.remove("rope_parameters");
        rope.remove("partial_rotary_factor");
        c.put("rope_theta", rope.remove("rope_theta").asDouble());
        c.set("rope_scaling", rope);
        assertEquals(ModelConfigParser.parse(tree(PHI3_V5), "phi"), ModelConfigParser.parse(c, "phi"));
    }

    @Test
    void partialRotaryOnlyInsideRopeParametersIsRead() throws Exception {
        ObjectNode c = tree(PHI3_V5);
        c.remove("partial_rotary_factor");
        assertEquals(96, ModelConfigParser.parse(c, "phi").rotaryDim());
    }

    @Test
    void ropeBlockDisagreeingWithTheTopLevelPartialRotaryIsRefused() throws Exception {
        ObjectNode c = tree(PHI3_V5);
        ((ObjectNode) c.get("rope_parameters")).put("partial_rotary_factor", 0.5);
        assertRefused(c, "rope_parameters.partial_rotary_factor = 0.5", "0.75");
    }

    @Test
    void partialRotaryAboveOneIsRefused() throws Exception {
        ObjectNode c = tree(PHI3_V5);
        c.put("partial_rotary_factor", 1.5);
        assertRefused(c, "partial_rotary_factor = 1.5", "(0, 1]");
    }

    @Test
    void partialRotaryGivingAnOddRotaryDimensionIsRefused() throws Exception {
        ObjectNode c = tree(PHI3_V5);
        c.put("partial_rotary_factor", 0.5078125);     // 128 * 0.5078125 = 65
        ((ObjectNode) c.get("rope_parameters")).remove("partial_rotary_factor");
        String message = assertThrows(UnsupportedModelException.class,
                () -> ModelConfigParser.parse(c, "bad/config.json")).getMessage();
        assertTrue(message.contains("partial_rotary_factor = 0.5078125 gives 65 rotary values"), message);
    }

    @Test
    void longropeFactorsMustCoverTheRotaryPartOnly() throws Exception {
        ObjectNode c = tree(PHI3_V5);
        ((ObjectNode) c.get("rope_parameters")).set("long_factor", JSON.readTree(factors(1.5) .replace("]",
                ", 1.5" .repeat(16) + "]")));
        assertRefused(c, "long_factor", "48 factors");
    }

    @Test
    void phi4MiniRemoteCodeFieldsAtTheirNeutralValuesAreAccepted() throws Exception {
        ObjectNode c = tree(PHI3_V5);
        c.put("lm_head_bias", false);
        c.put("full_attn_mod", 1);
        c.put("interpolate_factor", 1);
        assertEquals(ModelConfigParser.parse(tree(PHI3_V5), "phi"), ModelConfigParser.parse(c, "phi"));
    }

    @Test
    void lmHeadBiasIsRefused() throws Exception {
        ObjectNode c = tree(PHI3_V5);
        c.put("lm_head_bias", true);
        assertRefused(c, "lm_head_bias = true");
    }

    @Test
    void interpolationFactorOtherThanOneIsRefused() throws Exception {
        ObjectNode c = tree(PHI3_V5);
        c.put("interpolate_factor", 2);
        assertRefused(c, "interpolate_factor = 2.0");
    }

    @Test
    void partialRotaryOutsidePhi3IsRefused() throws Exception {
        ObjectNode c = tree(BadConfigTest.LLAMA_31_V5);
        c.put("partial_rotary_factor", 0.5);
        assertRefused(c, "partial_rotary_factor = 0.5", "Phi-3");
    }

    @Test
    void llamaRotatesWholeHeads() throws Exception {
        ModelConfig config = ModelConfigParser.parse(tree(BadConfigTest.LLAMA_31_V5), "llama");
        assertEquals(config.headDim(), config.rotaryDim());
        assertFalse(config.fusedProjections());
    }
}
