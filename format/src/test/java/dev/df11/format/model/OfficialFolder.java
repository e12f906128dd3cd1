package dev.df11.format.model;

import dev.df11.format.safetensors.DType;
import dev.df11.format.safetensors.SafetensorsFile;
import dev.df11.format.safetensors.SafetensorsWriter;
import dev.df11.format.safetensors.TensorInfo;
import dev.df11.format.testing.TestData;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds a folder laid out as the official DFloat11 tools save one: layer 0 of stories15M, encoded by the official
 * encoder, stored as {@code model.layers.0.*} in a per-unit file {@code model_layers_0.safetensors} without shape
 * metadata, a norm in {@code model.safetensors}, and config.json with Llama sizes and a dfloat11_config.
 */
final class OfficialFolder {

    static final String LAYER = "stories15M_layer0";

    private OfficialFolder() { }

    /** @param hiddenSize what config.json claims (288 is right) */
    static Path write(Path dir, int hiddenSize, String patternDict) throws IOException {
        Files.createDirectories(dir);
        Path vector = TestData.officialDf11().resolve(LAYER + ".safetensors");
        try (SafetensorsFile f = SafetensorsFile.open(vector)) {
            SafetensorsWriter unit = new SafetensorsWriter().putMetadata("format", "pt");
            SafetensorsWriter originals = new SafetensorsWriter();
            for (TensorInfo t : f.tensors()) {
                String suffix = t.name().substring(LAYER.length() + 1);
                if (suffix.startsWith("original.")) {
                    String attr = UnitPlanner.LLAMA_LAYER_ATTRS.get(Integer.parseInt(suffix.substring(9)));
                    originals.add("model.layers.0." + attr + ".weight", t.dtype(), t.shape(), f.data(t));
                } else {
                    unit.add("model.layers.0." + suffix, t.dtype(), t.shape(), f.data(t));
                }
            }
            unit.write(dir.resolve("model_layers_0.safetensors"));
            Path reference = Files.createDirectories(dir.resolveSibling(dir.getFileName() + "-bf16"));
            MemorySegment norm = MemorySegment.ofArray(new short[] {0x3f80, 0x3f00, 0x3e80});
            originals.add("model.norm.weight", DType.BF16, new long[] {3}, norm).write(reference.resolve(
                    "model.safetensors"));
            new SafetensorsWriter().add("model.norm.weight", DType.BF16, new long[] {3}, norm)
                    .write(dir.resolve("model.safetensors"));
        }
        String config = """
                {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": %d,
                 "intermediate_size": 768, "num_attention_heads": 6, "num_key_value_heads": 6,
                 "num_hidden_layers": 1, "vocab_size": 32000,
                 "dfloat11_config": {"version": "0.5.0", "threads_per_block": [512], "bytes_per_thread": 8,
                   "pattern_dict": %s}}
                """.formatted(hiddenSize, patternDict);
        Files.writeString(dir.resolve("config.json"), config);
        Files.writeString(dir.resolveSibling(dir.getFileName() + "-bf16").resolve("config.json"), "{}");
        return dir;
    }

    static final String LLAMA_PATTERNS = "{\"model\\\\.layers\\\\.\\\\d+\": [\"self_attn.q_proj\", \"self_attn.k_proj\","
            + " \"self_attn.v_proj\", \"self_attn.o_proj\", \"mlp.gate_proj\", \"mlp.up_proj\", \"mlp.down_proj\"],"
            + " \"lm_head\": [], \"model.embed_tokens\": []}";
}
