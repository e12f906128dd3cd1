package dev.df11.lab.bench;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Deterministic BF16 tensors drawn in parallel: fixed chunks, each with its own generator split from the seed, so the
 * values are the same for any number of threads.
 */
final class SeededBf16 {

    private static final int CHUNK = 1 << 20;

    /** One value's BF16 bits, drawn from {@code random}. */
    interface Draw {
        short next(SplittableRandom random);
    }

    private SeededBf16() {
    }

    /** {@code n} values (little-endian, on the heap), each from {@code draw} with the generator of its chunk. */
    static MemorySegment generate(long seed, int n, Draw draw) {
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
                words[i] = draw.next(random);
            }
        });
        return MemorySegment.ofArray(words);
    }
}
