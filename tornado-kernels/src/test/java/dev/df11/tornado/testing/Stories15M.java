package dev.df11.tornado.testing;

import dev.df11.format.bf16.Bf16;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real stories15M model (llama2.c float32 checkpoint), its decoder layers' matrices rounded to BF16. The model is
 * found through env {@code DF11_STORIES15M_DIR}, else the cache that scripts/fetch-stories15M.sh fills; when it is
 * missing a test is skipped, or fails under {@code CI=true}.
 */
public final class Stories15M implements AutoCloseable {

    /** Hugging Face names of a layer's matrices, in DF11 unit order (q, k, v, o, gate, up, down). */
    public static final List<String> LAYER_ATTRS = List.of("self_attn.q_proj", "self_attn.k_proj",
            "self_attn.v_proj", "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj");

    private final Arena arena;
    private final MemorySegment file;
    /** Model width, FFN width, number of layers, key/value width. */
    public final int dim;
    public final int hidden;
    public final int layers;
    public final int kvDim;
    private final long wq;
    private final long wk;
    private final long wv;
    private final long wo;
    private final long w1;
    private final long w2;
    private final long w3;

    private Stories15M(Arena arena, MemorySegment file) {
        this.arena = arena;
        this.file = file;
        dim = file.get(ValueLayout.JAVA_INT_UNALIGNED, 0);
        hidden = file.get(ValueLayout.JAVA_INT_UNALIGNED, 4);
        layers = file.get(ValueLayout.JAVA_INT_UNALIGNED, 8);
        int heads = file.get(ValueLayout.JAVA_INT_UNALIGNED, 12);
        int kvHeads = file.get(ValueLayout.JAVA_INT_UNALIGNED, 16);
        int vocab = Math.abs(file.get(ValueLayout.JAVA_INT_UNALIGNED, 20));
        kvDim = dim * kvHeads / heads;
        // Header of seven int32, then the float32 tensors in llama2.c's order.
        long at = 7 * 4L + 4L * vocab * dim;      // past the token embedding
        at += 4L * layers * dim;                  // rms_att
        wq = at;
        at += 4L * layers * dim * dim;
        wk = at;
        at += 4L * layers * dim * kvDim;
        wv = at;
        at += 4L * layers * dim * kvDim;
        wo = at;
        at += 4L * layers * dim * dim;
        at += 4L * layers * dim;                  // rms_ffn
        w1 = at;
        at += 4L * layers * hidden * dim;
        w2 = at;
        at += 4L * layers * dim * hidden;
        w3 = at;
    }

    /** Maps the checkpoint; skips the calling test (fails it under CI) when the model is not there. */
    public static Stories15M open() throws IOException {
        Path model = modelFile();
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(model, StandardOpenOption.READ)) {
            return new Stories15M(arena, channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena));
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** q, k, v, o, gate (w1), up (w3), down (w2) of one layer, rounded to BF16, in {@link #LAYER_ATTRS} order. */
    public List<MemorySegment> layerMatricesAsBf16(int layer) {
        List<MemorySegment> out = new ArrayList<>();
        out.add(bf16(wq, layer, (long) dim * dim));
        out.add(bf16(wk, layer, (long) dim * kvDim));
        out.add(bf16(wv, layer, (long) dim * kvDim));
        out.add(bf16(wo, layer, (long) dim * dim));
        out.add(bf16(w1, layer, (long) hidden * dim));
        out.add(bf16(w3, layer, (long) hidden * dim));
        out.add(bf16(w2, layer, (long) dim * hidden));
        return out;
    }

    /** Shapes {@code [out, in]} of a layer's matrices, in {@link #LAYER_ATTRS} order. */
    public List<long[]> layerShapes() {
        return List.of(new long[] {dim, dim}, new long[] {kvDim, dim}, new long[] {kvDim, dim},
                new long[] {dim, dim}, new long[] {hidden, dim}, new long[] {hidden, dim}, new long[] {dim, hidden});
    }

    private MemorySegment bf16(long tensor, int layer, long perLayer) {
        long from = tensor + 4L * perLayer * layer;
        short[] words = new short[Math.toIntExact(perLayer)];
        for (int i = 0; i < words.length; i++) {
            words[i] = Bf16.fromFloat(file.get(ValueLayout.JAVA_FLOAT_UNALIGNED, from + 4L * i));
        }
        return MemorySegment.ofArray(words);
    }

    /** The model file: env DF11_STORIES15M_DIR, else the cache scripts/fetch-stories15M.sh fills. */
    private static Path modelFile() {
        String env = System.getenv("DF11_STORIES15M_DIR");
        String cache = System.getenv().getOrDefault("DF11_CACHE", System.getProperty("user.home") + "/.cache/df11");
        Path dir = env != null && !env.isBlank() ? Path.of(env) : Path.of(cache, "stories15M");
        Path model = dir.resolve("stories15M.bin");
        if (!Files.isRegularFile(model)) {
            String why = "stories15M not found in " + dir + " (run scripts/fetch-stories15M.sh)";
            if ("true".equals(System.getenv("CI"))) {
                fail(why);
            }
            assumeTrue(false, why);
        }
        return model;
    }

    @Override
    public void close() {
        arena.close();
    }
}
