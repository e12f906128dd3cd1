package dev.df11.format.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.df11.format.safetensors.DType;
import dev.df11.format.safetensors.SafetensorsDirectory;
import dev.df11.format.safetensors.SafetensorsWriter;
import dev.df11.format.safetensors.TensorInfo;
import dev.df11.format.testing.TestWeights;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Writes small BF16 Llama folders with random weights, and compares folders tensor by tensor. */
public final class TinyLlama {

    public static final int HIDDEN = 64;
    public static final int INTER = 96;
    public static final int HEADS = 4;
    public static final int KV_HEADS = 2;
    public static final int VOCAB = 50;

    private TinyLlama() { }

    /** A Llama folder with {@code layers} layers; lm_head only when not tied. */
    public static Path write(Path dir, int layers, boolean tied) throws IOException {
        Files.createDirectories(dir);
        Map<String, long[]> shapes = new LinkedHashMap<>();
        int kvDim = HIDDEN / HEADS * KV_HEADS;
        shapes.put("model.embed_tokens.weight", new long[] {VOCAB, HIDDEN});
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            shapes.put(p + "input_layernorm.weight", new long[] {HIDDEN});
            shapes.put(p + "self_attn.q_proj.weight", new long[] {HIDDEN, HIDDEN});
            shapes.put(p + "self_attn.k_proj.weight", new long[] {kvDim, HIDDEN});
            shapes.put(p + "self_attn.v_proj.weight", new long[] {kvDim, HIDDEN});
            shapes.put(p + "self_attn.o_proj.weight", new long[] {HIDDEN, HIDDEN});
            shapes.put(p + "post_attention_layernorm.weight", new long[] {HIDDEN});
            shapes.put(p + "mlp.gate_proj.weight", new long[] {INTER, HIDDEN});
            shapes.put(p + "mlp.up_proj.weight", new long[] {INTER, HIDDEN});
            shapes.put(p + "mlp.down_proj.weight", new long[] {HIDDEN, INTER});
        }
        shapes.put("model.norm.weight", new long[] {HIDDEN});
        if (!tied) {
            shapes.put("lm_head.weight", new long[] {VOCAB, HIDDEN});
        }
        SafetensorsWriter w = new SafetensorsWriter().putMetadata("format", "pt");
        long seed = 1;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long n = Arrays.stream(e.getValue()).reduce(1, (a, b) -> a * b);
            MemorySegment data = e.getValue().length == 1 ? TestWeights.gaussian(seed++, n, 0.5)
                    : TestWeights.gaussian(seed++, n);
            w.add(e.getKey(), DType.BF16, e.getValue(), data);
        }
        w.write(dir.resolve("model.safetensors"));
        writeConfig(dir, layers, tied);
        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {}}");
        return dir;
    }

    static void writeConfig(Path dir, int layers, boolean tied) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode c = json.createObjectNode();
        c.putArray("architectures").add("LlamaForCausalLM");
        c.put("model_type", "llama");
        c.put("hidden_size", HIDDEN);
        c.put("intermediate_size", INTER);
        c.put("num_hidden_layers", layers);
        c.put("num_attention_heads", HEADS);
        c.put("num_key_value_heads", KV_HEADS);
        c.put("vocab_size", VOCAB);
        c.put("tie_word_embeddings", tied);
        c.put("torch_dtype", "bfloat16");
        Files.writeString(dir.resolve("config.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(c));
    }

    /** Replaces one BF16 word of a tensor in the folder's single file with {@code word}. */
    public static void setWord(Path dir, String tensor, long index, short word) throws IOException {
        Path file = dir.resolve("model.safetensors");
        long offset;
        try (SafetensorsDirectory st = SafetensorsDirectory.open(dir)) {
            offset = st.tensor(tensor).dataOffset() + 2 * index;
        }
        byte[] bytes = Files.readAllBytes(file);
        bytes[(int) offset] = (byte) word;
        bytes[(int) offset + 1] = (byte) (word >> 8);
        Files.write(file, bytes);
    }

    /** Asserts two folders hold the same tensors: names, dtypes, shapes and bytes. */
    public static void assertSameTensors(Path expectedDir, Path actualDir) throws IOException {
        try (SafetensorsDirectory a = SafetensorsDirectory.open(expectedDir);
                SafetensorsDirectory b = SafetensorsDirectory.open(actualDir)) {
            Set<String> names = a.tensorNames();
            if (!names.equals(b.tensorNames())) {
                throw new AssertionError("tensor names differ: " + names + " vs " + b.tensorNames());
            }
            for (String n : names) {
                TensorInfo x = a.tensor(n);
                TensorInfo y = b.tensor(n);
                if (x.dtype() != y.dtype() || !Arrays.equals(x.shape(), y.shape())) {
                    throw new AssertionError(n + ": " + x + " vs " + y);
                }
                long at = a.data(n).mismatch(b.data(n));
                if (at >= 0) {
                    throw new AssertionError(n + ": bytes differ at " + at + ": "
                            + a.data(n).get(ValueLayout.JAVA_BYTE, at) + " vs " + b.data(n).get(ValueLayout.JAVA_BYTE, at));
                }
            }
        }
    }
}
