package dev.df11.tornado.forward;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.SplittableRandom;

/** Random kernel inputs, seeded so a failure reproduces (public for the kernel lab's tests). */
public final class Inputs {

    private final SplittableRandom random;

    public Inputs(long seed) {
        random = new SplittableRandom(seed);
    }

    /** Gaussian values of standard deviation {@code sigma}. */
    public FloatArray floats(int n, double sigma) {
        FloatArray array = new FloatArray(n);
        for (int i = 0; i < n; i++) {
            array.set(i, (float) (gaussian() * sigma));
        }
        return array;
    }

    /** BF16 bits of Gaussian values (the top half of the fp32 bits, truncated: any BF16 pattern will do). */
    ShortArray bf16(int n, double sigma) {
        ShortArray array = new ShortArray(n);
        for (int i = 0; i < n; i++) {
            array.set(i, (short) (Float.floatToRawIntBits((float) (gaussian() * sigma)) >>> 16));
        }
        return array;
    }

    /** A copy of {@code from}: a kernel's output array preset to the same start values as another's. */
    public static FloatArray copy(FloatArray from) {
        FloatArray to = new FloatArray(from.getSize());
        for (int i = 0; i < from.getSize(); i++) {
            to.set(i, from.get(i));
        }
        return to;
    }

    /** The raw bits of {@code a}'s floats, for comparing outputs bit for bit. */
    static int[] bits(FloatArray a) {
        int[] out = new int[a.getSize()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Float.floatToRawIntBits(a.get(i));
        }
        return out;
    }

    /** {@code parts} one after another, in one heap segment: a unit's matrices as one BF16 tensor. */
    static MemorySegment concat(List<MemorySegment> parts) {
        long bytes = parts.stream().mapToLong(MemorySegment::byteSize).sum();
        MemorySegment all = MemorySegment.ofArray(new byte[Math.toIntExact(bytes)]);
        long at = 0;
        for (MemorySegment p : parts) {
            MemorySegment.copy(p, 0, all, at, p.byteSize());
            at += p.byteSize();
        }
        return all;
    }

    private double gaussian() {
        double u = random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }

    /**
     * A batch array ({@link ForwardKernels}) of {@code count} rows of one sequence in slot 0 at positions
     * {@code startPos...}, with room for {@link #MAX_ROWS} rows (kernels launched for more rows than the batch read
     * the unused rows' entries).
     */
    static IntArray step(int startPos, int count) {
        int[] slots = new int[count];
        int[] positions = new int[count];
        for (int r = 0; r < count; r++) {
            positions[r] = startPos + r;
        }
        return rows(slots, positions);
    }

    static final int MAX_ROWS = 16;

    /** A batch array whose row r starts at cache row {@code firstCacheRows[r]} and sits at {@code positions[r]}. */
    static IntArray rows(int[] firstCacheRows, int[] positions) {
        IntArray batch = new IntArray(ForwardKernels.batchInts(MAX_ROWS));
        batch.set(ForwardKernels.START, positions.length == 0 ? 0 : positions[0]);
        batch.set(ForwardKernels.COUNT, positions.length);
        for (int r = 0; r < positions.length; r++) {
            batch.set(ForwardKernels.ROWS + 2 * r, firstCacheRows[r]);
            batch.set(ForwardKernels.ROWS + 2 * r + 1, positions[r]);
        }
        return batch;
    }

    static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat(bits << 16);
    }
}
