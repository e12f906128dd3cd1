package dev.df11.runtime.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gemma 3 configs ({@code gemma3_text}) in both generations: what the parser reads from them, and each config that
 * would run with wrong math refused with the field named. One test per hostile input.
 */
class Gemma3ConfigTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Gemma 3 4B's language model as transformers 5 writes it (layers cut to 6). */
    static final String GEMMA3_V5 = """
            {"architectures": ["Gemma3ForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
             "attn_logit_softcapping": null, "bos_token_id": 2, "dtype": "bfloat16", "eos_token_id": [1, 106],
             "final_logit_softcapping": null, "head_dim": 256, "hidden_activation": "gelu_pytorch_tanh",
             "hidden_size": 2560, "initializer_range": 0.02, "intermediate_size": 10240,
             "layer_types": ["sliding_attention", "sliding_attention", "sliding_attention", "sliding_attention",
                             "sliding_attention", "full_attention"],
             "max_position_embeddings": 131072, "model_type": "gemma3_text", "num_attention_heads": 8,
             "num_hidden_layers": 6, "num_key_value_heads": 4, "pad_token_id": 0, "query_pre_attn_scalar": 256,
             "rms_norm_eps": 1e-06,
             "rope_parameters": {"full_attention": {"factor": 8.0, "rope_theta": 1000000.0, "rope_type": "linear"},
                                 "sliding_attention": {"rope_theta": 10000.0, "rope_type": "default"}},
             "sliding_window": 1024, "tie_word_embeddings": true, "transformers_version": "5.18.0",
             "use_bidirectional_attention": false, "use_cache": true, "vocab_size": 262208}""";

    /** The same model as transformers 4 wrote it. */
    static final String GEMMA3_LEGACY = """
            {"architectures": ["Gemma3ForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
             "attn_logit_softcapping": null, "bos_token_id": 2, "torch_dtype": "bfloat16", "eos_token_id": [1, 106],
             "final_logit_softcapping": null, "head_dim": 256, "hidden_activation": "gelu_pytorch_tanh",
             "hidden_size": 2560, "initializer_range": 0.02, "intermediate_size": 10240,
             "max_position_embeddings": 131072, "model_type": "gemma3_text", "num_attention_heads": 8,
             "num_hidden_layers": 6, "num_key_value_heads": 4, "pad_token_id": 0, "query_pre_attn_scalar": 256,
             "rms_norm_eps": 1e-06, "rope_local_base_freq": 10000.0, "rope_scaling": {"factor": 8.0,
             "rope_type": "linear"}, "rope_theta": 1000000.0, "sliding_window": 1024, "sliding_window_pattern": 6,
             "transformers_version": "4.50.0", "use_cache": true, "vocab_size": 262208}""";

    private static ObjectNode tree(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }

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
    void transformers5ConfigIsReadWithItsOwnSettings() throws Exception {
        ModelConfig config = ModelConfigParser.parse(tree(GEMMA3_V5), "gemma3");
        assertEquals(Architecture.GEMMA3, config.architecture());
        assertTrue(config.gemma());
        assertTrue(config.qkNorm());
        assertTrue(config.tiedEmbeddings());
        assertEquals(256.0, config.queryPreAttnScalar());
        assertEquals((float) (1 / 16.0), config.attentionScale());
        assertEquals(0.0, config.finalLogitSoftcap());
        assertEquals(1024, config.slidingWindow());
        assertEquals(1024, config.attentionWindow(0));
        assertEquals(0, config.attentionWindow(5));
        assertEquals(new RopeParameters(1000000.0, new LinearScaling(8.0)), config.ropeFor(5));
        assertEquals(RopeParameters.plain(10000.0), config.ropeFor(0));
        assertEquals(List.of(1, 106), config.eosTokenIds());
    }

    @Test
    void legacyConfigGivesTheSameModel() throws Exception {
        assertEquals(ModelConfigParser.parse(tree(GEMMA3_V5), "gemma3"),
                ModelConfigParser.parse(tree(GEMMA3_LEGACY), "gemma3"));
    }

    @Test
    void legacyDefaultsAreTransformers() throws Exception {
        ObjectNode c = tree(GEMMA3_LEGACY);
        c.remove(List.of("sliding_window_pattern", "rope_local_base_freq", "query_pre_attn_scalar",
                "tie_word_embeddings"));
        ModelConfig config = ModelConfigParser.parse(c, "gemma3");
        assertEquals(ModelConfigParser.parse(tree(GEMMA3_V5), "gemma3"), config);
    }

    @Test
    void finalSoftcappingIsRead() throws Exception {
        ObjectNode c = tree(GEMMA3_V5);
        c.put("final_logit_softcapping", 30.0);
        assertEquals(30.0, ModelConfigParser.parse(c, "gemma3").finalLogitSoftcap());
    }

    @Test
    void nonPositiveFinalSoftcappingIsRefused() throws Exception {
        ObjectNode c = tree(GEMMA3_V5);
        c.put("final_logit_softcapping", 0.0);
        assertRefused(c, "final_logit_softcapping = 0.0", "positive number or null");
    }

    @Test
    void nonPositiveAttentionSoftcappingIsRefused() throws Exception {
        ObjectNode c = tree(GEMMA3_V5);
        c.put("attn_logit_softcapping", -1.0);
        assertRefused(c, "attn_logit_softcapping = -1.0");
    }

    @Test
    void otherActivationIsRefused() throws Exception {
        ObjectNode c = tree(GEMMA3_V5);
        c.put("hidden_activation", "gelu");
        assertRefused(c, "hidden_activation = 'gelu'", "gelu_pytorch_tanh");
    }

    @Test
    void disagreeingLegacyActivationIsRefused() throws Exception {
        ObjectNode c = tree(GEMMA3_V5);
        c.put("hidden_act", "silu");
        assertRefused(c, "hidden_act = 'silu'", "gelu_pytorch_tanh");
    }

    @Test
    void bidirectionalAttentionIsRefused() throws Exception {
        ObjectNode c = tree(GEMMA3_V5);
        c.put("use_bidirectional_attention", true);
        assertRefused(c, "use_bidirectional_attention = true");
    }

    @Test
    void nonPositiveQueryScalarIsRefused() throws Exception {
        ObjectNode c = tree(GEMMA3_V5);
        c.put("query_pre_attn_scalar", 0);
        assertRefused(c, "query_pre_attn_scalar = 0.0", "positive");
    }

    @Test
    void localRopeThetaDisagreeingWithRopeParametersIsRefused() throws Exception {
        ObjectNode c = tree(GEMMA3_V5);
        c.put("rope_local_base_freq", 20000.0);
        assertRefused(c, "rope_local_base_freq = 20000.0", "rope_parameters.sliding_attention");
    }

    @Test
    void legacySlidingLayersWithoutAWindowAreRefused() throws Exception {
        ObjectNode c = tree(GEMMA3_LEGACY);
        c.putNull("sliding_window");
        assertRefused(c, "sliding_window is missing");
    }

    @Test
    void gemmaFieldsInALlamaConfigAreRefused() throws Exception {
        for (String field : List.of("query_pre_attn_scalar", "final_logit_softcapping", "attn_logit_softcapping",
                "rope_local_base_freq", "sliding_window_pattern")) {
            ObjectNode c = tree(BadConfigTest.LLAMA_31_V5);
            c.put(field, 30);
            assertRefused(c, field + " = 30", "gemma3_text");
        }
    }

    @Test
    void gemmaActivationFieldInALlamaConfigIsRefused() throws Exception {
        ObjectNode c = tree(BadConfigTest.LLAMA_31_V5);
        c.put("hidden_activation", "gelu_pytorch_tanh");
        assertRefused(c, "hidden_activation", "gemma3_text");
    }

    /** The multimodal Gemma 3 4B config: the language model under text_config, vision fields at the top. */
    private static ObjectNode multimodal() throws Exception {
        ObjectNode text = tree(GEMMA3_V5);
        text.remove(List.of("architectures", "dtype", "transformers_version"));
        ObjectNode root = tree("""
                {"architectures": ["Gemma3ForConditionalGeneration"], "boi_token_index": 255999, "dtype": "bfloat16",
                 "eoi_token_index": 256000, "image_token_index": 262144, "initializer_range": 0.02,
                 "mm_tokens_per_image": 256, "model_type": "gemma3", "transformers_version": "5.18.0",
                 "vision_config": {"hidden_size": 1152, "model_type": "siglip_vision_model"}}""");
        root.set("text_config", text);
        return root;
    }

    @Test
    void multimodalConfigReadsTheLanguageModel() throws Exception {
        ModelConfig config = ModelConfigParser.parse(multimodal(), "gemma3");
        assertTrue(config.multimodal());
        ModelConfig text = ModelConfigParser.parse(tree(GEMMA3_V5), "gemma3");
        assertTrue(!text.multimodal());
        assertEquals(text.layerTypes(), config.layerTypes());
        assertEquals(text.ropeByLayerType(), config.ropeByLayerType());
        assertEquals(text.queryPreAttnScalar(), config.queryPreAttnScalar());
    }

    @Test
    void multimodalConfigWithAnUnknownTopLevelFieldIsRefused() throws Exception {
        ObjectNode c = multimodal();
        c.put("audio_config", 1);
        assertRefused(c, "audio_config = 1", "not a field df11 understands");
    }

    @Test
    void visionFieldsOutsideAGemma3ConfigAreRefused() throws Exception {
        ObjectNode c = tree(GEMMA3_V5);
        c.put("mm_tokens_per_image", 256);
        assertRefused(c, "mm_tokens_per_image = 256", "not a field df11 understands");
    }

    @Test
    void multimodalConfigAroundAnotherFamilyIsRefused() throws Exception {
        ObjectNode c = multimodal();
        c.set("text_config", tree(BadConfigTest.LLAMA_31_V5));
        assertRefused(c, "text_config.model_type = 'llama'", "gemma3_text in the text_config of a gemma3 config");
    }

    @Test
    void multimodalFinalSoftcappingIsRefused() throws Exception {
        ObjectNode c = multimodal();
        ((ObjectNode) c.get("text_config")).put("final_logit_softcapping", 30.0);
        assertRefused(c, "text_config.final_logit_softcapping = 30.0", "Gemma3ForConditionalGeneration");
    }

    @Test
    void llamaKeepsItsDefaults() throws Exception {
        ModelConfig config = ModelConfigParser.parse(tree(BadConfigTest.LLAMA_31_V5), "llama");
        assertEquals(128.0, config.queryPreAttnScalar());
        assertEquals(0.0, config.finalLogitSoftcap());
        assertTrue(!config.gemma());
        assertNull(config.ropeByLayerType().get(LayerType.SLIDING_ATTENTION));
    }
}
