package dev.df11.lab.bench;

import dev.df11.format.bf16.Bf16;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * A deterministic N(0, sigma^2) BF16 tensor, the usual shape of transformer weights. Generated in fixed chunks, each
 * with its own generator split from the seed, so the values are the same for any number of threads.
 */
public final class GaussianBf16 {

    private static final int CHUNK = 1 << 20;

    private GaussianBf16() {
    }

    /** {@code n} BF16 values (little-endian, on the heap) drawn with {@code seed}. */
    public static MemorySegment generate(long seed, int n, double sigma) {
        short[] words = new short[n];
        int chunks = (n + CHUNK - 1) / CHUNK;
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom[] perChunk = new SplittableRandom[chunks];
        for (int c = 0; c < chunks; c++) {
            perChunk[c] = root.split();
        }
        IntStream.range(0, chunks).parallel().forEach(c -> {
            SplittableRandom random = perChunk[c];
            int end = Math.min(n, (c + 1) * CHUNK);
            for (int i = c * CHUNK; i < end; i++) {
                // Box-Muller: the same algorithm on every JDK, unlike Random.nextGaussian.
                double u1 = 1.0 - random.nextDouble();
                double u2 = random.nextDouble();
                double g = Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
                words[i] = Bf16.fromFloat((float) (g * sigma));
            }
        });
        return MemorySegment.ofArray(words);
    }

    /** Element {@code i} of a segment made by {@link #generate}. */
    public static short at(MemorySegment bf16, long i) {
        return bf16.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i);
    }
}
