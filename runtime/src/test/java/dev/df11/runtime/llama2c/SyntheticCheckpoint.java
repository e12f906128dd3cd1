package dev.df11.runtime.llama2c;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes small llama2.c checkpoints whose float at position i (after the header) is {@link #value(long)}. */
public final class SyntheticCheckpoint {

    private SyntheticCheckpoint() { }

    /** A value that differs at every position and is not exactly representable in BF16. */
    public static float value(long i) {
        return (float) Math.sin(i * 0.37 + 0.1) * 0.05f + 1e-7f * (i % 13);
    }

    /** @param vocab negative for a separate classifier */
    public static Path write(Path file, int dim, int hidden, int layers, int heads, int kvHeads, int vocab, int seqLen)
            throws IOException {
        Llama2cHeader h = Llama2cHeader.of(file, new int[] {dim, hidden, layers, heads, kvHeads, vocab, seqLen});
        ByteBuffer b = ByteBuffer.allocate((int) h.expectedFileBytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : new int[] {dim, hidden, layers, heads, kvHeads, vocab, seqLen}) {
            b.putInt(v);
        }
        for (long i = 0; i < h.floatCount(); i++) {
            b.putFloat(value(i));
        }
        return Files.write(file, b.array());
    }
}
