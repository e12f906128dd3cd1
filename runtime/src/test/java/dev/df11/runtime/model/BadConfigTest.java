package dev.df11.runtime.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every config that would run with wrong math is refused before anything runs, with the file, the field and its
 * value in the message. One test per hostile input.
 */
class BadConfigTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Llama 3.1 8B as transformers 5 writes it. */
    static final String LLAMA_31_V5 = """
            {"architectures": ["LlamaForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
             "bos_token_id": 128000, "dtype": "bfloat16", "eos_token_id": [128001, 128008, 128009],
             "head_dim": 128, "hidden_act": "silu", "hidden_size": 4096, "initializer_range": 0.02,
             "intermediate_size": 14336, "max_position_embeddings": 131072, "mlp_bias": false,
             "model_type": "llama", "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8,
             "pretraining_tp": 1, "rms_norm_eps": 1e-05,
             "rope_parameters": {"factor": 8.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
                                 "original_max_position_embeddings": 8192, "rope_theta": 500000.0,
                                 "rope_type": "llama3"},
             "tie_word_embeddings": false, "transformers_version": "5.0.0", "use_cache": true,
             "vocab_size": 128256}""";

    private static ObjectNode v5() throws Exception {
        return (ObjectNode) JSON.readTree(LLAMA_31_V5);
    }

    private static ObjectNode legacy() throws Exception {
        return (ObjectNode) JSON.readTree(ModelConfigParserTest.LLAMA_3_2_1B);
    }

    private static ObjectNode ropeParameters(ObjectNode config) {
        return (ObjectNode) config.get("rope_parameters");
    }

    /** The message of the refusal, checked to name the file and to contain every fragment. */
    private static String assertRefused(JsonNode config, String... fragments) {
        String message = assertThrows(UnsupportedModelException.class,
                () -> ModelConfigParser.parse(config, "bad/config.json")).getMessage();
        assertTrue(message.startsWith("bad/config.json: "), message);
        for (String fragment : fragments) {
            assertTrue(message.contains(fragment), "'" + fragment + "' missing from: " + message);
        }
        return message;
    }

    @Test
    void unknownRopeTypeInRopeParameters() throws Exception {
        ObjectNode c = v5();
        ropeParameters(c).put("rope_type", "magic");
        assertRefused(c, "rope_parameters.rope_type = 'magic'", "default, linear, dynamic, llama3, yarn, longrope");
    }

    @Test
    void unknownRopeTypeInLegacyRopeScaling() throws Exception {
        ObjectNode c = legacy();
        ((ObjectNode) c.get("rope_scaling")).put("rope_type", "su");
        assertRefused(c, "rope_scaling.rope_type = 'su'");
    }

    @Test
    void ropeThetaMinusOneInRopeParameters() throws Exception {
        ObjectNode c = v5();
        ropeParameters(c).put("rope_theta", -1);
        assertRefused(c, "rope_parameters.rope_theta = -1", "out of range");
    }

    @Test
    void ropeThetaMinusOneInLegacyKeys() throws Exception {
        ObjectNode c = legacy();
        c.put("rope_theta", -1);
        assertRefused(c, "rope_theta = -1", "out of range");
    }

    @Test
    void ropeThetaZero() throws Exception {
        ObjectNode c = legacy();
        c.put("rope_theta", 0);
        assertRefused(c, "rope_theta = 0");
    }

    @Test
    void rmsNormEpsMinusOne() throws Exception {
        ObjectNode c = v5();
        c.put("rms_norm_eps", -1);
        assertRefused(c, "rms_norm_eps = -1", "out of range");
    }

    @Test
    void rmsNormEpsThatRoundsToZeroInFloat32() throws Exception {
        ObjectNode c = v5();
        c.put("rms_norm_eps", 1e-50);
        assertRefused(c, "rms_norm_eps", "rounds to 0");
    }

    @Test
    void unknownFieldThatChangesTheMath() throws Exception {
        ObjectNode c = v5();
        c.put("logit_scale", 0.0625);     // Cohere's (final_logit_softcapping is now Gemma 3's, see Gemma3ConfigTest)
        assertRefused(c, "logit_scale = 0.0625", "not a field df11 understands");
    }

    @Test
    void unknownMultiplierField() throws Exception {
        ObjectNode c = legacy();
        c.put("embedding_multiplier", 12.0);
        assertRefused(c, "embedding_multiplier = 12.0");
    }

    @Test
    void unknownKeyInsideRopeParameters() throws Exception {
        ObjectNode c = v5();
        ropeParameters(c).putArray("mrope_section").add(16).add(24).add(24);
        assertRefused(c, "rope_parameters.mrope_section = [16,24,24]", "rope_type llama3");
    }

    @Test
    void yarnKeyInALlama3Block() throws Exception {
        ObjectNode c = legacy();
        ((ObjectNode) c.get("rope_scaling")).put("beta_fast", 32);
        assertRefused(c, "rope_scaling.beta_fast = 32", "rope_type llama3");
    }

    @Test
    void missingLlama3Factor() throws Exception {
        ObjectNode c = v5();
        ropeParameters(c).remove("low_freq_factor");
        assertRefused(c, "rope_parameters.low_freq_factor must be a number");
    }

    @Test
    void negativeLinearFactor() throws Exception {
        ObjectNode c = v5();
        ObjectNode rope = c.putObject("rope_parameters");
        rope.put("rope_type", "linear");
        rope.put("rope_theta", 10000.0);
        rope.put("factor", -2.0);
        assertRefused(c, "rope_parameters.factor = -2.0", "positive");
    }

    @Test
    void longRopeFactorsOfTheWrongLength() throws Exception {
        ObjectNode c = v5();
        ObjectNode rope = c.putObject("rope_parameters");
        rope.put("rope_type", "longrope");
        rope.put("rope_theta", 10000.0);
        rope.put("original_max_position_embeddings", 4096);
        rope.putArray("short_factor").add(1.0).add(1.0);
        rope.putArray("long_factor").add(1.0).add(1.0);
        assertRefused(c, "rope_parameters.short_factor must list head_dim / 2 = 64 factors, got 2");
    }

    @Test
    void longRopeWithoutOriginalContext() throws Exception {
        ObjectNode c = v5();
        ObjectNode rope = c.putObject("rope_parameters");
        rope.put("rope_type", "longrope");
        rope.put("rope_theta", 10000.0);
        assertRefused(c, "rope_parameters.original_max_position_embeddings is missing");
    }

    @Test
    void legacyAndTransformers5KeysThatDisagree() throws Exception {
        ObjectNode c = v5();
        c.put("rope_theta", 10000.0);
        assertRefused(c, "rope_theta = 10000.0 disagrees with rope_parameters");
    }

    @Test
    void perLayerTypeRopeWithAnUnknownLayerType() throws Exception {
        ObjectNode c = v5();
        ObjectNode rope = c.putObject("rope_parameters");
        rope.putObject("full_attention").put("rope_type", "default").put("rope_theta", 10000.0);
        rope.putObject("chunked_attention").put("rope_type", "default").put("rope_theta", 10000.0);
        assertRefused(c, "rope_parameters.chunked_attention", "full_attention, sliding_attention");
    }

    @Test
    void layerTypesOfTheWrongLength() throws Exception {
        ObjectNode c = v5();
        c.putArray("layer_types").add("full_attention");
        assertRefused(c, "layer_types must list one type for each of the 32 layers");
    }

    @Test
    void unknownLayerType() throws Exception {
        ObjectNode c = v5();
        var types = c.putArray("layer_types");
        for (int i = 0; i < 32; i++) {
            types.add(i == 5 ? "chunked_attention" : "full_attention");
        }
        assertRefused(c, "layer_types[5] = \"chunked_attention\"");
    }

    @Test
    void slidingLayersWithoutAWindow() throws Exception {
        ObjectNode c = (ObjectNode) JSON.readTree(ModelConfigParserTest.MISTRAL_7B_V01);
        c.putNull("sliding_window");
        var types = c.putArray("layer_types");
        for (int i = 0; i < 32; i++) {
            types.add("sliding_attention");
        }
        assertRefused(c, "sliding_attention layers but sliding_window is missing");
    }

    @Test
    void negativeSlidingWindow() throws Exception {
        ObjectNode c = (ObjectNode) JSON.readTree(ModelConfigParserTest.MISTRAL_7B_V01);
        c.put("sliding_window", -4);
        assertRefused(c, "sliding_window = -4");
    }

    @Test
    void slidingWindowOnLlama() throws Exception {
        ObjectNode c = v5();
        c.put("sliding_window", 4096);
        assertRefused(c, "sliding_window = 4096 is not supported");
    }

    @Test
    void qwenSlidingWindowWithoutMaxWindowLayers() throws Exception {
        ObjectNode c = (ObjectNode) JSON.readTree(ModelConfigParserTest.QWEN2_5_0_5B);
        c.put("use_sliding_window", true);
        c.remove("max_window_layers");
        assertRefused(c, "missing integer field max_window_layers");
    }

    @Test
    void dtypeThatIsNotAName() throws Exception {
        ObjectNode c = v5();
        c.put("dtype", 16);
        assertRefused(c, "dtype must be a dtype name");
    }

    @Test
    void textConfigThatIsNotAnObject() throws Exception {
        ObjectNode c = v5();
        c.put("text_config", "llama");
        assertRefused(c, "text_config must be an object");
    }

    @Test
    void unknownFieldInsideTextConfig() throws Exception {
        ObjectNode outer = JSON.createObjectNode();
        outer.put("model_type", "llava");
        ObjectNode text = v5();
        text.put("logits_scaling", 8.0);
        outer.set("text_config", text);
        assertRefused(outer, "text_config.logits_scaling = 8.0");
    }

    @Test
    void dynamicRopeBeyondItsPositionsIsRefusedWhenTheContextIsChosen() throws Exception {
        ObjectNode c = v5();
        c.put("max_position_embeddings", 4096);
        ObjectNode rope = c.putObject("rope_parameters");
        rope.put("rope_type", "dynamic");
        rope.put("rope_theta", 10000.0);
        rope.put("factor", 2.0);
        rope.put("original_max_position_embeddings", 2048);
        ModelConfig config = ModelConfigParser.parse(c, "x");
        String message = assertThrows(UnsupportedModelException.class, () -> config.contextLength(3000, 2048))
                .getMessage();
        assertTrue(message.contains("rope_type dynamic") && message.contains("at most 2048"), message);
    }
}
