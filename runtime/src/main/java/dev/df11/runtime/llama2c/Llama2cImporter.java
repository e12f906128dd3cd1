package dev.df11.runtime.llama2c;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.df11.format.bf16.Bf16;
import dev.df11.format.model.ModelPaths;
import dev.df11.format.model.StagingDirectory;
import dev.df11.format.safetensors.DType;
import dev.df11.format.safetensors.ShardedSafetensorsWriter;
import dev.df11.runtime.llama2c.Llama2cCheckpoint.Part;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Converts a llama2.c checkpoint and tokenizer into a Hugging Face Llama folder in BF16: {@code config.json},
 * {@code model.safetensors} (standard Llama tensor names; query and key rows reordered for rotate-half RoPE, see
 * {@link RotaryPermutation}) and the llama2.c {@code tokenizer.bin} copied beside them.
 *
 * <p>Mapping: token_embedding = model.embed_tokens, rms_att = input_layernorm, wq/wk/wv/wo = self_attn.q/k/v/o_proj,
 * rms_ffn = post_attention_layernorm, w1 = mlp.gate_proj, w2 = mlp.down_proj, w3 = mlp.up_proj, rms_final =
 * model.norm, wcls = lm_head (only when not shared; a shared classifier sets tie_word_embeddings). The rotary tables
 * are not copied: Hugging Face recomputes them from rope_theta.
 */
public final class Llama2cImporter {

    /** Name the tokenizer is copied to. */
    public static final String TOKENIZER_FILE = "tokenizer.bin";

    private static final ValueLayout.OfShort BF16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Called after each tensor is converted. */
    public interface Listener {
        void converted(String tensorName, long bf16Bytes);
    }

    /** What was written. */
    public record Result(Path outDir, Llama2cHeader header, int tensorCount, long bf16Bytes) { }

    private Llama2cImporter() { }

    /** Number of tensors an import of a checkpoint with this header writes. */
    public static int tensorCount(Llama2cHeader h) {
        return 2 + 9 * h.layers() + (h.sharedClassifier() ? 0 : 1);
    }

    /**
     * Imports {@code modelBin} and {@code tokenizerBin} into {@code outDir}, built in a hidden staging folder and
     * renamed when complete.
     *
     * @param replaceExisting whether an existing {@code outDir} may be replaced
     */
    public static Result importModel(Path modelBin, Path tokenizerBin, Path outDir, boolean replaceExisting,
            Listener listener) throws IOException {
        if (Files.isDirectory(tokenizerBin)) {
            throw new Llama2cFormatException(tokenizerBin, "is a folder; give the llama2.c tokenizer file "
                    + "(tokenizer.bin) itself");
        }
        if (!Files.isRegularFile(tokenizerBin)) {
            throw new java.nio.file.NoSuchFileException(tokenizerBin.toString(), null, "tokenizer not found");
        }
        if (Files.size(tokenizerBin) < Integer.BYTES) {
            throw new Llama2cFormatException(tokenizerBin, "too short for a llama2.c tokenizer");
        }
        ModelPaths.requireOutside(modelBin, outDir);
        ModelPaths.requireOutside(tokenizerBin, outDir);
        try (Llama2cCheckpoint ckpt = Llama2cCheckpoint.open(modelBin);
                StagingDirectory staging = StagingDirectory.create(outDir, replaceExisting)) {
            Llama2cHeader h = ckpt.header();
            ShardedSafetensorsWriter writer = new ShardedSafetensorsWriter(staging.path(), "model",
                    ShardedSafetensorsWriter.DEFAULT_MAX_SHARD_BYTES).putMetadata("format", "pt");
            Converter c = new Converter(writer, listener);
            c.matrix("model.embed_tokens.weight", ckpt.part(Part.TOKEN_EMBEDDING), h.vocabSize(), h.dim(), 0);
            for (int l = 0; l < h.layers(); l++) {
                String p = "model.layers." + l + ".";
                c.vector(p + "input_layernorm.weight", ckpt.layer(Part.RMS_ATT, l));
                c.matrix(p + "self_attn.q_proj.weight", ckpt.layer(Part.WQ, l), h.dim(), h.dim(), h.heads());
                c.matrix(p + "self_attn.k_proj.weight", ckpt.layer(Part.WK, l), h.kvDim(), h.dim(), h.kvHeads());
                c.matrix(p + "self_attn.v_proj.weight", ckpt.layer(Part.WV, l), h.kvDim(), h.dim(), 0);
                c.matrix(p + "self_attn.o_proj.weight", ckpt.layer(Part.WO, l), h.dim(), h.dim(), 0);
                c.vector(p + "post_attention_layernorm.weight", ckpt.layer(Part.RMS_FFN, l));
                c.matrix(p + "mlp.gate_proj.weight", ckpt.layer(Part.W1, l), h.hiddenDim(), h.dim(), 0);
                c.matrix(p + "mlp.up_proj.weight", ckpt.layer(Part.W3, l), h.hiddenDim(), h.dim(), 0);
                c.matrix(p + "mlp.down_proj.weight", ckpt.layer(Part.W2, l), h.dim(), h.hiddenDim(), 0);
            }
            c.vector("model.norm.weight", ckpt.part(Part.RMS_FINAL));
            if (!h.sharedClassifier()) {
                c.matrix("lm_head.weight", ckpt.part(Part.WCLS), h.vocabSize(), h.dim(), 0);
            }
            writer.finish();
            writeConfig(h, staging.path().resolve("config.json"));
            Files.copy(tokenizerBin, staging.path().resolve(TOKENIZER_FILE), StandardCopyOption.COPY_ATTRIBUTES);
            staging.commit();
            return new Result(staging.target(), h, c.tensors, c.bytes);
        }
    }

    /** Writes the Hugging Face config for a Llama with this header. */
    static void writeConfig(Llama2cHeader h, Path file) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode c = json.createObjectNode();
        c.putArray("architectures").add("LlamaForCausalLM");
        c.put("model_type", "llama");
        c.put("hidden_size", h.dim());
        c.put("intermediate_size", h.hiddenDim());
        c.put("num_hidden_layers", h.layers());
        c.put("num_attention_heads", h.heads());
        c.put("num_key_value_heads", h.kvHeads());
        c.put("vocab_size", h.vocabSize());
        c.put("max_position_embeddings", h.seqLen());
        c.put("rms_norm_eps", 1e-5);
        c.put("rope_theta", 10000.0);
        c.put("hidden_act", "silu");
        c.put("tie_word_embeddings", h.sharedClassifier());
        c.put("torch_dtype", "bfloat16");
        c.put("bos_token_id", 1);
        c.put("eos_token_id", 2);
        dev.df11.format.safetensors.WriteFailures.writeString(file, json.writeValueAsString(c) + "\n");
    }

    /** Converts float32 slices to BF16 tensors and hands them to the writer. */
    private static final class Converter {
        private final ShardedSafetensorsWriter writer;
        private final Listener listener;
        private int tensors;
        private long bytes;

        Converter(ShardedSafetensorsWriter writer, Listener listener) {
            this.writer = writer;
            this.listener = listener;
        }

        void vector(String name, MemorySegment f32) throws IOException {
            long n = f32.byteSize() / Float.BYTES;
            MemorySegment out = Arena.ofAuto().allocate(2 * n);
            for (long i = 0; i < n; i++) {
                out.set(BF16, 2 * i, Bf16.fromFloat(f32.get(Llama2cCheckpoint.F32, 4 * i)));
            }
            emit(name, new long[] {n}, out);
        }

        /** @param ropeHeads when positive, rows are reordered from interleaved to rotate-half over that many heads */
        void matrix(String name, MemorySegment f32, int rows, int cols, int ropeHeads) throws IOException {
            MemorySegment out = Arena.ofAuto().allocate(2L * rows * cols);
            for (int r = 0; r < rows; r++) {
                int src = ropeHeads > 0 ? RotaryPermutation.sourceRow(r, ropeHeads, rows) : r;
                long in = (long) src * cols * Float.BYTES;
                long o = (long) r * cols * 2;
                for (int c = 0; c < cols; c++) {
                    out.set(BF16, o + 2L * c, Bf16.fromFloat(f32.get(Llama2cCheckpoint.F32, in + 4L * c)));
                }
            }
            emit(name, new long[] {rows, cols}, out);
        }

        private void emit(String name, long[] shape, MemorySegment bf16) throws IOException {
            writer.add(name, DType.BF16, shape, bf16);
            tensors++;
            bytes += bf16.byteSize();
            if (listener != null) {
                listener.converted(name, bf16.byteSize());
            }
        }
    }
}
