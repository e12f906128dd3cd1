package dev.df11.runtime.testmodels;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.df11.format.safetensors.DType;
import dev.df11.format.safetensors.SafetensorsWriter;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes tiny random Llama-family folders (config.json + model.safetensors, BF16) that exercise each switch of the
 * runtime: grouped KV heads, Qwen2 biases, Qwen3 q/k norms, Llama 3.1 rope scaling, untied output. Norm weights
 * are random around 1 so that a forward pass ignoring them gives visibly different logits.
 */
public final class RandomModelWriter {

    /** Which family to imitate. */
    public enum Flavor { LLAMA3_UNTIED, QWEN2, QWEN3, LLAMA2_TIED, MISTRAL_WINDOWED }

    /** MISTRAL_WINDOWED's sliding window: shorter than the tests' sequences, so that it slides. */
    public static final int WINDOW = 3;

    private static final ValueLayout.OfShort BF16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public static final int DIM = 48;
    public static final int HIDDEN = 80;
    public static final int LAYERS = 2;
    public static final int HEADS = 6;
    public static final int KV_HEADS = 2;
    public static final int VOCAB = 97;

    private RandomModelWriter() {
    }

    public static Path write(Path dir, Flavor flavor, long seed) throws IOException {
        return write(dir, flavor, seed, LAYERS);
    }

    /** As above with {@code layers} decoder layers. */
    public static Path write(Path dir, Flavor flavor, long seed, int layers) throws IOException {
        Files.createDirectories(dir);
        SplittableRandom random = new SplittableRandom(seed);
        int headDim = flavor == Flavor.QWEN3 ? 16 : DIM / HEADS;   // Qwen3: explicit head_dim != dim / heads
        int qDim = HEADS * headDim;
        int kvDim = KV_HEADS * headDim;
        boolean tied = flavor == Flavor.LLAMA2_TIED || flavor == Flavor.QWEN2;
        SafetensorsWriter writer = new SafetensorsWriter();
        Arena arena = Arena.ofAuto();
        writer.add("model.embed_tokens.weight", DType.BF16, new long[] {VOCAB, DIM}, gaussian(arena, random, VOCAB * DIM, 0, 0.5));
        if (!tied) {
            writer.add("lm_head.weight", DType.BF16, new long[] {VOCAB, DIM}, gaussian(arena, random, VOCAB * DIM, 0, 0.2));
        }
        writer.add("model.norm.weight", DType.BF16, new long[] {DIM}, gaussian(arena, random, DIM, 1, 0.3));
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            matrix(writer, arena, random, p + "self_attn.q_proj.weight", qDim, DIM);
            matrix(writer, arena, random, p + "self_attn.k_proj.weight", kvDim, DIM);
            matrix(writer, arena, random, p + "self_attn.v_proj.weight", kvDim, DIM);
            matrix(writer, arena, random, p + "self_attn.o_proj.weight", DIM, qDim);
            matrix(writer, arena, random, p + "mlp.gate_proj.weight", HIDDEN, DIM);
            matrix(writer, arena, random, p + "mlp.up_proj.weight", HIDDEN, DIM);
            matrix(writer, arena, random, p + "mlp.down_proj.weight", DIM, HIDDEN);
            writer.add(p + "input_layernorm.weight", DType.BF16, new long[] {DIM}, gaussian(arena, random, DIM, 1, 0.3));
            writer.add(p + "post_attention_layernorm.weight", DType.BF16, new long[] {DIM},
                    gaussian(arena, random, DIM, 1, 0.3));
            if (flavor == Flavor.QWEN2) {
                writer.add(p + "self_attn.q_proj.bias", DType.BF16, new long[] {qDim}, gaussian(arena, random, qDim, 0, 0.3));
                writer.add(p + "self_attn.k_proj.bias", DType.BF16, new long[] {kvDim}, gaussian(arena, random, kvDim, 0, 0.3));
                writer.add(p + "self_attn.v_proj.bias", DType.BF16, new long[] {kvDim}, gaussian(arena, random, kvDim, 0, 0.3));
            }
            if (flavor == Flavor.QWEN3) {
                writer.add(p + "self_attn.q_norm.weight", DType.BF16, new long[] {headDim}, gaussian(arena, random, headDim, 1, 0.3));
                writer.add(p + "self_attn.k_norm.weight", DType.BF16, new long[] {headDim}, gaussian(arena, random, headDim, 1, 0.3));
            }
        }
        writer.write(dir.resolve("model.safetensors"));

        ObjectMapper json = new ObjectMapper();
        ObjectNode c = json.createObjectNode();
        c.put("model_type", switch (flavor) {
            case QWEN2 -> "qwen2";
            case QWEN3 -> "qwen3";
            case MISTRAL_WINDOWED -> "mistral";
            default -> "llama";
        });
        c.put("hidden_size", DIM);
        c.put("intermediate_size", HIDDEN);
        c.put("num_hidden_layers", layers);
        c.put("num_attention_heads", HEADS);
        c.put("num_key_value_heads", KV_HEADS);
        if (flavor == Flavor.QWEN3) {
            c.put("head_dim", headDim);
        }
        c.put("vocab_size", VOCAB);
        c.put("max_position_embeddings", 256);
        c.put("rms_norm_eps", 1e-5);
        c.put("hidden_act", "silu");
        c.put("tie_word_embeddings", tied);
        c.put("bos_token_id", 1);
        c.put("eos_token_id", 2);
        if (flavor == Flavor.LLAMA3_UNTIED) {
            // With head_dim 8, theta 1000 and an original context of 64, the wavelengths (6.3, 35, 199, 1117)
            // fall in all three bands of the scaling: kept, interpolated, divided by the factor.
            c.put("rope_theta", 1000.0);
            ObjectNode scaling = c.putObject("rope_scaling");
            scaling.put("rope_type", "llama3");
            scaling.put("factor", 8.0);
            scaling.put("low_freq_factor", 1.0);
            scaling.put("high_freq_factor", 4.0);
            scaling.put("original_max_position_embeddings", 64);
        } else {
            c.put("rope_theta", 10000.0);
        }
        if (flavor == Flavor.MISTRAL_WINDOWED) {
            c.put("sliding_window", WINDOW);
        }
        if (flavor == Flavor.QWEN2) {
            c.put("sliding_window", 4096);
            c.put("use_sliding_window", false);
        }
        Files.writeString(dir.resolve("config.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(c));
        return dir;
    }

    private static void matrix(SafetensorsWriter writer, Arena arena, SplittableRandom random, String name,
                               int rows, int cols) {
        writer.add(name, DType.BF16, new long[] {rows, cols}, gaussian(arena, random, rows * cols, 0, 0.3));
    }

    private static MemorySegment gaussian(Arena arena, SplittableRandom random, int count, double mean, double std) {
        MemorySegment out = arena.allocate(2L * count);
        for (int i = 0; i < count; i++) {
            float value = (float) (mean + std * random.nextGaussian());
            out.setAtIndex(BF16, i, (short) (Float.floatToRawIntBits(value) >>> 16)); // truncation is fine for tests
        }
        return out;
    }
}
