package dev.df11.tornado.decode;

import dev.df11.format.bf16.Bf16;
import dev.df11.format.codec.Df11Encoder;
import dev.df11.format.codec.Df11Unit;
import dev.df11.tornado.testing.DeviceOracle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
 * The six decoder layers of the real stories15M model (llama2.c float32 checkpoint, rounded to BF16), each encoded
 * as one unit of seven matrices (q, k, v, o, gate, up, down), decode on the device exactly as on the CPU.
 */
class Stories15MOnDeviceTest {

    private static MemorySegment checkpoint;
    private static Arena arena;

    @BeforeAll
    static void map() throws IOException {
        Path model = modelFile();
        arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(model, StandardOpenOption.READ)) {
            checkpoint = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
        }
    }

    @Test
    void everyLayerDecodesLikeTheCpu() {
        Llama2cLayout layout = new Llama2cLayout(checkpoint);
        Df11Encoder encoder = new Df11Encoder(2);
        for (int layer = 0; layer < layout.layers; layer++) {
            Df11Unit unit = encoder.encode("model.layers." + layer, layout.layerMatricesAsBf16(layer));
            for (KernelVersion version : KernelVersion.values()) {
                if (layer == 0 || version != KernelVersion.V1_GLOBAL) {
                    DeviceOracle.assertDecodesLikeCpu(unit, version);
                }
            }
        }
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

    /** Offsets of the float32 tensors in a llama2.c checkpoint (header of seven int32, then the weights in order). */
    private static final class Llama2cLayout {
        final int dim;
        final int hidden;
        final int layers;
        final int kvDim;
        final long wq;
        final long wk;
        final long wv;
        final long wo;
        final long w1;
        final long w2;
        final long w3;

        Llama2cLayout(MemorySegment file) {
            dim = file.get(ValueLayout.JAVA_INT_UNALIGNED, 0);
            hidden = file.get(ValueLayout.JAVA_INT_UNALIGNED, 4);
            layers = file.get(ValueLayout.JAVA_INT_UNALIGNED, 8);
            int heads = file.get(ValueLayout.JAVA_INT_UNALIGNED, 12);
            int kvHeads = file.get(ValueLayout.JAVA_INT_UNALIGNED, 16);
            int vocab = Math.abs(file.get(ValueLayout.JAVA_INT_UNALIGNED, 20));
            kvDim = dim * kvHeads / heads;
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

        /** q, k, v, o, gate (w1), up (w3), down (w2) of one layer, rounded to BF16. */
        List<MemorySegment> layerMatricesAsBf16(int layer) {
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

        private MemorySegment bf16(long tensor, int layer, long perLayer) {
            long from = tensor + 4L * perLayer * layer;
            short[] words = new short[Math.toIntExact(perLayer)];
            for (int i = 0; i < words.length; i++) {
                words[i] = Bf16.fromFloat(checkpoint.get(ValueLayout.JAVA_FLOAT_UNALIGNED, from + 4L * i));
            }
            return MemorySegment.ofArray(words);
        }
    }
}
