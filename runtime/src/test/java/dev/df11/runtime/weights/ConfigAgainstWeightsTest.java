package dev.df11.runtime.weights;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.df11.runtime.model.UnsupportedModelException;
import dev.df11.runtime.testmodels.RandomModelWriter;
import dev.df11.runtime.testmodels.RandomModelWriter.Flavor;
import dev.df11.runtime.testmodels.TestModels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A config that disagrees with the weights beside it is refused when the weights open, before anything runs, naming
 * the folder, the field and the tensor: BF16 and DF11 folders alike.
 */
class ConfigAgainstWeightsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A random model of {@code flavor} whose config.json was edited by {@code edit}. */
    private static Path modelWithConfig(Flavor flavor, Consumer<ObjectNode> edit) throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("mismatch"), flavor, 5);
        ObjectNode config = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
        edit.accept(config);
        Files.writeString(dir.resolve("config.json"), config.toPrettyString());
        return dir;
    }

    private static String refusal(Path dir, Class<? extends RuntimeException> type) {
        return assertThrows(type, () -> WeightStores.open(dir, WeightStores.Df11Options.defaults()).close())
                .getMessage();
    }

    private static void assertMentions(String message, String... fragments) {
        for (String fragment : fragments) {
            assertTrue(message.contains(fragment), "'" + fragment + "' missing from: " + message);
        }
    }

    @Test
    void fewerLayersInTheConfigThanInTheWeights() throws IOException {
        Path dir = modelWithConfig(Flavor.LLAMA2_TIED, c -> c.put("num_hidden_layers", RandomModelWriter.LAYERS - 1));
        assertMentions(refusal(dir, UnsupportedModelException.class), dir.toString(),
                "num_hidden_layers = " + (RandomModelWriter.LAYERS - 1), "layer " + (RandomModelWriter.LAYERS - 1));
    }

    @Test
    void moreLayersInTheConfigThanInTheWeights() throws IOException {
        Path dir = modelWithConfig(Flavor.LLAMA2_TIED, c -> c.put("num_hidden_layers", RandomModelWriter.LAYERS + 2));
        assertMentions(refusal(dir, UnsupportedModelException.class), dir.toString(),
                "num_hidden_layers = " + (RandomModelWriter.LAYERS + 2),
                "only layers 0.." + (RandomModelWriter.LAYERS - 1));
    }

    @Test
    void fewerLayersInTheConfigThanInADf11Folder() throws IOException {
        Path bf16 = RandomModelWriter.write(TestModels.newFolder("mismatch"), Flavor.LLAMA3_UNTIED, 5);
        Path df11 = TestModels.compress(bf16);
        ObjectNode config = (ObjectNode) JSON.readTree(df11.resolve("config.json").toFile());
        config.put("num_hidden_layers", 1);
        Files.writeString(df11.resolve("config.json"), config.toPrettyString());
        assertMentions(refusal(df11, UnsupportedModelException.class), "num_hidden_layers = 1", "layer 1");
    }

    @Test
    void tiedConfigWithASeparateOutputProjection() throws IOException {
        Path dir = modelWithConfig(Flavor.LLAMA3_UNTIED, c -> c.put("tie_word_embeddings", true));
        assertMentions(refusal(dir, UnsupportedModelException.class), "tie_word_embeddings = true",
                "lm_head.weight");
    }

    @Test
    void untiedConfigWithoutAnOutputProjection() throws IOException {
        Path dir = modelWithConfig(Flavor.LLAMA2_TIED, c -> c.put("tie_word_embeddings", false));
        assertMentions(refusal(dir, UnsupportedModelException.class), "tie_word_embeddings = false",
                "no lm_head.weight");
    }

    @Test
    void intermediateSizeThatDisagreesWithTheMatrices() throws IOException {
        Path dir = modelWithConfig(Flavor.LLAMA2_TIED,
                c -> c.put("intermediate_size", RandomModelWriter.HIDDEN + 16));
        assertMentions(refusal(dir, WeightFormatException.class), "mlp.gate_proj.weight",
                "[" + RandomModelWriter.HIDDEN + ", " + RandomModelWriter.DIM + "]",
                "config implies [" + (RandomModelWriter.HIDDEN + 16) + ", " + RandomModelWriter.DIM + "]");
    }

    @Test
    void headCountThatDisagreesWithTheMatrices() throws IOException {
        Path dir = modelWithConfig(Flavor.LLAMA2_TIED, c -> c.put("num_key_value_heads", 3));
        assertMentions(refusal(dir, WeightFormatException.class), "self_attn.k_proj.weight", "config implies");
    }

    @Test
    void tensorOfAnotherArchitecture() throws IOException {
        // Qwen2 weights (with q/k/v biases) under a Llama config: the biases would be ignored.
        Path dir = modelWithConfig(Flavor.QWEN2, c -> {
            c.put("model_type", "llama");
            c.remove("sliding_window");
            c.remove("use_sliding_window");
        });
        assertMentions(refusal(dir, UnsupportedModelException.class), "_proj.bias",
                "not part of a llama model");
    }
}
