package dev.df11.runtime.synthetic;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.df11.format.bf16.Bf16;
import dev.df11.format.model.StagingDirectory;
import dev.df11.format.safetensors.WriteFailures;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes a deterministic Llama folder of a given {@link SyntheticShape}: matrices N(0, 0.02) rounded to BF16, norm
 * weights 1.0, the real config.json shapes, and a {@link SyntheticTokenizerFile}. Each 8 MiB chunk of a tensor draws
 * from its own generator, seeded from (seed, tensor name, chunk index), so the bytes depend only on the seed, never
 * on the thread count. Tensors are streamed to disk (never held in memory) and sharded like Hugging Face does
 * (several {@code model-0000i-of-0000N.safetensors} plus an index beyond the shard limit). The folder is built
 * under a temporary name and appears only when complete.
 */
public final class SyntheticModelWriter {

    /** Standard deviation of the synthetic weights, about that of trained Llama matrices. */
    public static final double WEIGHT_STD = 0.02;

    private static final short BF16_ONE = 0x3F80;

    /** What was written. */
    public record Result(Path dir, List<Path> shards, long weightBytes) {
    }

    /** Told the bytes written so far after each chunk (called from writer threads). */
    public interface Listener {
        void written(long bytes, String tensor);
    }

    private SyntheticModelWriter() {
    }

    /** Total BF16 bytes of a shape's tensors. */
    public static long weightBytes(SyntheticShape shape) {
        return TensorSpec.of(shape).stream().mapToLong(TensorSpec::byteSize).sum();
    }

    public static Result write(SyntheticShape shape, long seed, Path outDir, boolean replaceExisting, int threads,
                               long maxShardBytes, Listener listener) throws IOException {
        List<List<TensorSpec>> shards = shard(TensorSpec.of(shape), maxShardBytes);
        try (StagingDirectory staging = StagingDirectory.create(outDir, replaceExisting)) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < shards.size(); i++) {
                names.add(shards.size() == 1 ? "model.safetensors"
                        : String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size()));
            }
            for (int i = 0; i < shards.size(); i++) {
                Path shard = staging.path().resolve(names.get(i));
                try {
                    ShardWriter.write(shard, shards.get(i),
                            (tensor, first, count, out) -> fill(seed, tensor, first, count, out), threads,
                            listener::written);
                } catch (IOException e) {
                    throw WriteFailures.named(outDir.resolve(names.get(i)), e);
                }
            }
            if (shards.size() > 1) {
                writeIndex(staging.path(), shards, names);
            }
            writeConfig(shape, seed, staging.path().resolve("config.json"));
            SyntheticTokenizerFile.write(staging.path().resolve("tokenizer.bin"), shape.vocab);
            staging.commit();
            List<Path> shardPaths = names.stream().map(staging.target()::resolve).toList();
            return new Result(staging.target(), shardPaths, weightBytes(shape));
        }
    }

    /** Splits tensors, in order, into shards of at most {@code maxShardBytes} (a larger tensor gets its own). */
    static List<List<TensorSpec>> shard(List<TensorSpec> tensors, long maxShardBytes) {
        List<List<TensorSpec>> shards = new ArrayList<>();
        List<TensorSpec> current = new ArrayList<>();
        long bytes = 0;
        for (TensorSpec tensor : tensors) {
            if (!current.isEmpty() && bytes + tensor.byteSize() > maxShardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(tensor);
            bytes += tensor.byteSize();
        }
        shards.add(current);
        return shards;
    }

    /** Elements {@code [first, first+count)} of a tensor: ones for norms, else seeded Gaussian noise. */
    static void fill(long seed, TensorSpec tensor, long first, int count, ByteBuffer out) {
        if (tensor.ones()) {
            for (int i = 0; i < count; i++) {
                out.putShort(BF16_ONE);
            }
            return;
        }
        SplittableRandom random = new SplittableRandom(chunkSeed(seed, tensor.name(), first / ShardWriter.CHUNK_ELEMENTS));
        for (int i = 0; i < count; i++) {
            out.putShort(Bf16.fromFloat((float) (WEIGHT_STD * random.nextGaussian())));
        }
    }

    static long chunkSeed(long seed, String tensor, long chunk) {
        long h = 0xcbf29ce484222325L;    // FNV-1a over the name's UTF-8 bytes
        for (byte b : tensor.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xFF)) * 0x100000001b3L;
        }
        return mix(mix(seed ^ h) + chunk);
    }

    /** SplitMix64's finaliser: spreads nearby inputs over all 64 bits. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static void writeIndex(Path dir, List<List<TensorSpec>> shards, List<String> names) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        long total = shards.stream().flatMap(List::stream).mapToLong(TensorSpec::byteSize).sum();
        root.putObject("metadata").put("total_size", total);
        ObjectNode map = root.putObject("weight_map");
        for (int i = 0; i < shards.size(); i++) {
            for (TensorSpec tensor : shards.get(i)) {
                map.put(tensor.name(), names.get(i));
            }
        }
        WriteFailures.writeString(dir.resolve("model.safetensors.index.json"), json.writeValueAsString(root) + "\n");
    }

    private static void writeConfig(SyntheticShape s, long seed, Path file) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        WriteFailures.writeString(file, json.writeValueAsString(config(s, seed)) + "\n");
    }

    /** The config.json of a shape's folder (also the config of {@link SyntheticDf11Weights}, which writes none). */
    static ObjectNode config(SyntheticShape s, long seed) {
        ObjectNode c = new ObjectMapper().createObjectNode();
        c.putArray("architectures").add("LlamaForCausalLM");
        c.put("model_type", "llama");
        c.put("hidden_size", s.hidden);
        c.put("intermediate_size", s.intermediate);
        c.put("num_hidden_layers", s.layers);
        c.put("num_attention_heads", s.heads);
        c.put("num_key_value_heads", s.kvHeads);
        c.put("head_dim", s.headDim());
        c.put("vocab_size", s.vocab);
        c.put("max_position_embeddings", s.maxPositions);
        c.put("rms_norm_eps", 1e-5);
        c.put("rope_theta", s.ropeTheta);
        if (s.ropeScaling != null) {
            ObjectNode scaling = c.putObject("rope_scaling");
            scaling.put("rope_type", "llama3");
            scaling.put("factor", s.ropeScaling.factor());
            scaling.put("low_freq_factor", s.ropeScaling.lowFreqFactor());
            scaling.put("high_freq_factor", s.ropeScaling.highFreqFactor());
            scaling.put("original_max_position_embeddings", s.ropeScaling.originalMaxPositions());
        } else {
            c.putNull("rope_scaling");
        }
        c.put("hidden_act", "silu");
        c.put("attention_bias", false);
        c.put("mlp_bias", false);
        c.put("tie_word_embeddings", s.tiedEmbeddings);
        c.put("torch_dtype", "bfloat16");
        // Ids of the synthetic tokenizer.bin written beside it (not Llama 3's 128000/128001).
        c.put("bos_token_id", 1);
        c.put("eos_token_id", 2);
        ObjectNode provenance = c.putObject("df11_synthetic");
        provenance.put("shape", s.id);
        provenance.put("seed", seed);
        provenance.put("weight_std", WEIGHT_STD);
        return c;
    }
}
