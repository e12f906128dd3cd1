package dev.df11.format.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.df11.format.safetensors.SafetensorsDirectory;
import dev.df11.format.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code df11 compress} picks the units of a multimodal checkpoint's language model by itself, under the prefix
 * transformers 4.52+ writes ({@code model.language_model.*}, {@code lm_head}); the vision tower's matrices, whose
 * names also end in {@code self_attn.q_proj}, stay plain. (The official layout, {@code language_model.model.*}, is
 * covered by the runtime's Gemma 3 reference tests.)
 */
class MultimodalUnitsTest {

    @TempDir
    Path tmp;

    @Test
    void languageModelUnitsUnderTheTransformers452PrefixVisionTowerPlain() throws IOException {
        Path llama = TinyLlama.write(tmp.resolve("llama"), 2, false);
        Path bf16 = Files.createDirectories(tmp.resolve("bf16"));
        String vision = "model.vision_tower.vision_model.encoder.layers.0.self_attn.q_proj.weight";
        try (SafetensorsDirectory in = SafetensorsDirectory.open(llama)) {
            SafetensorsWriter out = new SafetensorsWriter().putMetadata("format", "pt");
            for (String name : in.tensorNames()) {
                String renamed = name.startsWith("model.") ? "model.language_model." + name.substring(6) : name;
                out.add(renamed, in.tensor(name).dtype(), in.tensor(name).shape(), in.data(name));
            }
            String q = "model.layers.0.self_attn.q_proj.weight";
            out.add(vision, in.tensor(q).dtype(), in.tensor(q).shape(), in.data(q));
            out.write(bf16.resolve("model.safetensors"));
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode text = (ObjectNode) json.readTree(llama.resolve("config.json").toFile());
        text.put("model_type", "gemma3_text");
        ObjectNode config = json.createObjectNode();
        config.put("model_type", "gemma3");
        config.set("text_config", text);
        Files.writeString(bf16.resolve("config.json"), config.toPrettyString());

        Df11Compressor.compress(bf16, tmp.resolve("df11"), CompressOptions.defaults().withThreads(2),
                ProgressListener.NONE);
        try (Df11Model model = Df11Model.open(tmp.resolve("df11"))) {
            assertEquals(List.of("lm_head", "model.language_model.embed_tokens", "model.language_model.layers.0",
                    "model.language_model.layers.1"), model.unitNames());
            assertEquals(Set.of("model\\.language_model\\.layers\\.\\d+", "model\\.language_model\\.embed_tokens",
                    "lm_head"), model.df11Config().patternDict().keySet());
            assertTrue(model.tensors().contains(vision), "the vision tower's matrix is not kept plain");
        }
    }
}
