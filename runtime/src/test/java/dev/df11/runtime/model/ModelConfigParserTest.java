package dev.df11.runtime.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelConfigParserTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The shape fields of meta-llama/Llama-3.2-1B's config.json. */
    static final String LLAMA_3_2_1B = """
            {"architectures": ["LlamaForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
             "bos_token_id": 128000, "eos_token_id": 128001, "head_dim": 64, "hidden_act": "silu",
             "hidden_size": 2048, "initializer_range": 0.02, "intermediate_size": 8192,
             "max_position_embeddings": 131072, "mlp_bias": false, "model_type": "llama",
             "num_attention_heads": 32, "num_hidden_layers": 16, "num_key_value_heads": 8, "pretraining_tp": 1,
             "rms_norm_eps": 1e-05,
             "rope_scaling": {"factor": 32.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
                              "original_max_position_embeddings": 8192, "rope_type": "llama3"},
             "rope_theta": 500000.0, "tie_word_embeddings": true, "torch_dtype": "bfloat16", "use_cache": true,
             "vocab_size": 128256}""";

    static final String QWEN2_5_0_5B = """
            {"architectures": ["Qwen2ForCausalLM"], "attention_dropout": 0.0, "bos_token_id": 151643,
             "eos_token_id": 151643, "hidden_act": "silu", "hidden_size": 896, "initializer_range": 0.02,
             "intermediate_size": 4864, "max_position_embeddings": 32768, "max_window_layers": 24,
             "model_type": "qwen2", "num_attention_heads": 14, "num_hidden_layers": 24, "num_key_value_heads": 2,
             "rms_norm_eps": 1e-06, "rope_theta": 1000000.0, "sliding_window": 32768, "tie_word_embeddings": true,
             "torch_dtype": "bfloat16", "use_cache": true, "use_sliding_window": false, "vocab_size": 151936}""";

    static final String QWEN3_0_6B = """
            {"architectures": ["Qwen3ForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
             "bos_token_id": 151643, "eos_token_id": 151645, "head_dim": 128, "hidden_act": "silu",
             "hidden_size": 1024, "initializer_range": 0.02, "intermediate_size": 3072,
             "max_position_embeddings": 40960, "max_window_layers": 28, "model_type": "qwen3",
             "num_attention_heads": 16, "num_hidden_layers": 28, "num_key_value_heads": 8, "rms_norm_eps": 1e-06,
             "rope_scaling": null, "rope_theta": 1000000, "sliding_window": null, "tie_word_embeddings": true,
             "torch_dtype": "bfloat16", "use_cache": true, "use_sliding_window": false, "vocab_size": 151936}""";

    static final String MISTRAL_7B_V01 = """
            {"architectures": ["MistralForCausalLM"], "bos_token_id": 1, "eos_token_id": 2, "hidden_act": "silu",
             "hidden_size": 4096, "initializer_range": 0.02, "intermediate_size": 14336,
             "max_position_embeddings": 32768, "model_type": "mistral", "num_attention_heads": 32,
             "num_hidden_layers": 32, "num_key_value_heads": 8, "rms_norm_eps": 1e-05, "rope_theta": 10000.0,
             "sliding_window": 4096, "tie_word_embeddings": false, "torch_dtype": "bfloat16", "vocab_size": 32000}""";

    private static ModelConfig parse(String json) throws Exception {
        return ModelConfigParser.parse(JSON.readTree(json), "test/config.json");
    }

    private static ObjectNode tree(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }

    private static String rejection(JsonNode config) {
        return assertThrows(UnsupportedModelException.class,
                () -> ModelConfigParser.parse(config, "test/config.json")).getMessage();
    }

    @Test
    void llama32WithRopeScalingAndTiedEmbeddings() throws Exception {
        ModelConfig c = parse(LLAMA_3_2_1B);
        assertEquals(Architecture.LLAMA, c.architecture());
        assertEquals(2048, c.hiddenSize());
        assertEquals(64, c.headDim());
        assertEquals(512, c.kvDim());
        assertEquals(4, c.groupSize());
        assertEquals(new RopeScaling(32, 1, 4, 8192), c.ropeScaling());
        assertEquals(500000.0, c.ropeTheta());
        assertTrue(c.tiedEmbeddings());
        assertEquals(128000, c.bosTokenId());
        assertEquals(List.of(128001), c.eosTokenIds());
        assertFalse(c.qkvBias() || c.qkNorm() || c.df11());
        assertEquals(1e-5f, c.rmsNormEps());
    }

    @Test
    void eosListAndDf11Marker() throws Exception {
        ObjectNode node = tree(LLAMA_3_2_1B);
        node.putArray("eos_token_id").add(128001).add(128008).add(128009);
        node.putObject("dfloat11_config").put("version", "0.2.0");
        ModelConfig c = ModelConfigParser.parse(node, "x");
        assertEquals(List.of(128001, 128008, 128009), c.eosTokenIds());
        assertTrue(c.isEos(128009));
        assertTrue(c.df11());
    }

    @Test
    void qwen2HasBiasesAndAnUnusedWindow() throws Exception {
        ModelConfig c = parse(QWEN2_5_0_5B);
        assertEquals(Architecture.QWEN2, c.architecture());
        assertTrue(c.qkvBias());
        assertEquals(64, c.headDim());
        assertEquals(0, c.slidingWindow());
        assertEquals(32768, c.contextLength(32768, 2048));
        assertNull(c.ropeScaling());
    }

    @Test
    void qwen3HasHeadNormsAndExplicitHeadDim() throws Exception {
        ModelConfig c = parse(QWEN3_0_6B);
        assertTrue(c.qkNorm());
        assertEquals(128, c.headDim());
        assertEquals(2048, c.queryDim());   // wider than hidden_size 1024
        assertEquals(1024, c.kvDim());
    }

    @Test
    void mistralSlidingWindowIsAnAttentionWindowNotAContextLimit() throws Exception {
        ModelConfig c = parse(MISTRAL_7B_V01);
        assertEquals(4096, c.slidingWindow());
        assertEquals(4096, c.attentionWindow(0));
        assertEquals(4096, c.attentionWindow(31));
        assertEquals(8192, c.contextLength(0, 8192));
        assertEquals(32768, c.contextLength(32768, 2048));
        assertTrue(c.windowSlidesWithin(8192));
        assertFalse(c.windowSlidesWithin(4096));
    }

    @Test
    void contextBeyondMaxPositionsIsRefused() throws Exception {
        ModelConfig c = parse(QWEN3_0_6B);
        String message = assertThrows(UnsupportedModelException.class, () -> c.contextLength(50000, 2048)).getMessage();
        assertTrue(message.contains("max_position_embeddings"), message);
    }

    @Test
    void unsupportedFieldsAreNamed() throws Exception {
        ObjectNode gemma = tree(LLAMA_3_2_1B);
        gemma.put("model_type", "gemma");
        assertTrue(rejection(gemma).contains("model_type = 'gemma'"));

        ObjectNode su = tree(LLAMA_3_2_1B);
        ((ObjectNode) su.get("rope_scaling")).put("rope_type", "su");
        assertTrue(rejection(su).contains("rope_scaling.rope_type = 'su'"));

        ObjectNode oldStyle = tree(LLAMA_3_2_1B);
        ObjectNode scaling = oldStyle.putObject("rope_scaling");
        scaling.put("type", "mrope");
        assertTrue(rejection(oldStyle).contains("rope_scaling.type = 'mrope'"));

        ObjectNode gelu = tree(LLAMA_3_2_1B);
        gelu.put("hidden_act", "gelu");
        assertTrue(rejection(gelu).contains("hidden_act"));

        ObjectNode biased = tree(LLAMA_3_2_1B);
        biased.put("attention_bias", true);
        assertTrue(rejection(biased).contains("attention_bias"));

        ObjectNode quantized = tree(LLAMA_3_2_1B);
        quantized.putObject("quantization_config").put("quant_method", "gptq");
        assertTrue(rejection(quantized).contains("quantization_config"));

        ObjectNode partial = tree(LLAMA_3_2_1B);
        partial.put("partial_rotary_factor", 0.5);
        assertTrue(rejection(partial).contains("partial_rotary_factor"));

        ObjectNode slidingQwen = tree(QWEN2_5_0_5B);
        slidingQwen.put("use_sliding_window", true);
        slidingQwen.put("max_window_layers", 20);
        ModelConfig windowed = ModelConfigParser.parse(slidingQwen, "x");
        assertEquals(32768, windowed.slidingWindow());
        assertEquals(0, windowed.attentionWindow(19));
        assertEquals(32768, windowed.attentionWindow(20));
    }

    @Test
    void missingOrMalformedNumbersAreNamed() throws Exception {
        ObjectNode noHidden = tree(LLAMA_3_2_1B);
        noHidden.remove("hidden_size");
        String message = rejection(noHidden);
        assertTrue(message.contains("test/config.json") && message.contains("hidden_size"), message);

        ObjectNode badHeads = tree(LLAMA_3_2_1B);
        badHeads.put("num_key_value_heads", 5);
        assertTrue(rejection(badHeads).contains("num_key_value_heads"));

        ObjectNode textTheta = tree(LLAMA_3_2_1B);
        textTheta.put("rope_theta", "big");
        assertTrue(rejection(textTheta).contains("rope_theta"));

        ObjectNode noFactor = tree(LLAMA_3_2_1B);
        ((ObjectNode) noFactor.get("rope_scaling")).remove("low_freq_factor");
        assertTrue(rejection(noFactor).contains("rope_scaling.low_freq_factor"));
    }

    @Test
    void llama3ScalingKeepsHighInterpolatesMiddleAndDividesLowFrequencies() {
        RopeScaling s = new RopeScaling(8, 1, 4, 8192);
        // wavelength 2*pi/f: below 8192/4 = 2048 kept, above 8192 divided by 8, between interpolated.
        double high = 2 * Math.PI / 1000;
        double low = 2 * Math.PI / 10000;
        double middle = 2 * Math.PI / 4096;     // smooth = (8192/4096 - 1) / 3 = 1/3
        assertEquals(high, s.scale(high), 0);
        assertEquals(low / 8, s.scale(low), 1e-18);
        assertEquals((2.0 / 3) * middle / 8 + (1.0 / 3) * middle, s.scale(middle), 1e-15);
    }

    @Test
    void transformers5KeysGiveTheSameConfigAsLegacyKeys() throws Exception {
        ObjectNode legacy = tree(BadConfigTest.LLAMA_31_V5);
        ObjectNode rope = (ObjectNode) legacy.remove("rope_parameters");
        legacy.put("rope_theta", rope.remove("rope_theta").asDouble());
        legacy.set("rope_scaling", rope);
        legacy.put("torch_dtype", legacy.remove("dtype").asText());
        ModelConfig fromLegacy = ModelConfigParser.parse(legacy, "legacy");
        ModelConfig fromV5 = parse(BadConfigTest.LLAMA_31_V5);
        assertEquals(fromLegacy, fromV5);
        assertEquals(500000.0, fromV5.ropeTheta());
        assertEquals(new RopeScaling(8, 1, 4, 8192), fromV5.ropeScaling());
    }

    @Test
    void bothGenerationsTogetherAreAcceptedWhenTheyAgree() throws Exception {
        ObjectNode both = tree(BadConfigTest.LLAMA_31_V5);
        both.put("rope_theta", 500000.0);
        ObjectNode scaling = ((ObjectNode) both.get("rope_parameters")).deepCopy();
        scaling.remove("rope_theta");
        both.set("rope_scaling", scaling);
        assertEquals(parse(BadConfigTest.LLAMA_31_V5), ModelConfigParser.parse(both, "both"));
    }

    @Test
    void ropeParametersPerLayerTypeAreKeptPerLayer() throws Exception {
        ObjectNode c = tree(MISTRAL_7B_V01);
        c.remove("rope_theta");
        ObjectNode rope = c.putObject("rope_parameters");
        rope.putObject("full_attention").put("rope_type", "default").put("rope_theta", 1000000.0);
        ObjectNode sliding = rope.putObject("sliding_attention");
        sliding.put("rope_type", "linear").put("rope_theta", 10000.0).put("factor", 8.0);
        var types = c.putArray("layer_types");
        for (int i = 0; i < 32; i++) {
            types.add(i % 2 == 0 ? "sliding_attention" : "full_attention");
        }
        ModelConfig config = ModelConfigParser.parse(c, "x");
        assertEquals(RopeParameters.plain(1000000.0), config.rope());
        assertEquals(new RopeParameters(10000.0, new LinearScaling(8)), config.ropeFor(0));
        assertEquals(RopeParameters.plain(1000000.0), config.ropeFor(1));
        assertEquals(4096, config.attentionWindow(0));
        assertEquals(0, config.attentionWindow(1));
        assertFalse(config.uniformRope());
        String message = assertThrows(UnsupportedModelException.class, () -> RotaryAngles.of(config, 16))
                .getMessage();
        assertTrue(message.contains("differ by layer type"), message);
    }

    @Test
    void textConfigNestingReadsTheLanguageModel() throws Exception {
        ObjectNode outer = JSON.createObjectNode();
        outer.put("model_type", "mistral3");
        outer.putArray("architectures").add("Mistral3ForConditionalGeneration");
        ObjectNode text = tree(MISTRAL_7B_V01);
        text.remove("bos_token_id");      // read from the outer config instead
        outer.put("bos_token_id", 1);
        outer.set("text_config", text);
        assertEquals(parse(MISTRAL_7B_V01), ModelConfigParser.parse(outer, "nested"));
    }

    @Test
    void qwen2Transformers5ConfigWithLayerTypes() throws Exception {
        ObjectNode c = tree(QWEN2_5_0_5B);
        c.remove("rope_theta");
        c.putObject("rope_parameters").put("rope_type", "default").put("rope_theta", 1000000.0);
        c.put("dtype", c.remove("torch_dtype").asText());
        var types = c.putArray("layer_types");
        for (int i = 0; i < 24; i++) {
            types.add("full_attention");
        }
        assertEquals(parse(QWEN2_5_0_5B), ModelConfigParser.parse(c, "v5"));
    }

    @Test
    void yarnDefaultsAreResolvedAsTransformersDoes() throws Exception {
        ObjectNode c = tree(QWEN2_5_0_5B);
        c.put("max_position_embeddings", 131072);
        c.putObject("rope_scaling").put("type", "yarn").put("factor", 4.0)
                .put("original_max_position_embeddings", 32768);
        YarnScaling yarn = (YarnScaling) ModelConfigParser.parse(c, "x").ropeScaling();
        assertEquals(new YarnScaling(4.0, 32768, 0.1 * Math.log(4) + 1, 32, 1, true), yarn);
    }
}
