package dev.df11.runtime.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * BF16 to fp32 with the Vector API. A BF16 value is the upper half of an fp32, so widening is a shift. One int
 * vector load brings in {@code 2 * LANES} BF16 values: shifting each int left by 16 yields the even-indexed
 * elements as floats, masking off the low half yields the odd-indexed ones. Kernels that consume both halves
 * multiply them by an activation vector rearranged the same way ({@link #deinterleave}).
 */
final class Bf16Lanes {

    static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    /** Floats per vector. */
    static final int LANES = FLOATS.length();
    /** BF16 values per int-vector load. */
    static final int CHUNK = 2 * LANES;

    private static final ValueLayout.OfShort BF16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Bf16Lanes() {
    }

    static IntVector load(MemorySegment bf16, long byteOffset) {
        return IntVector.fromMemorySegment(INTS, bf16, byteOffset, ByteOrder.LITTLE_ENDIAN);
    }

    /** Elements 0, 2, 4, ... of a loaded chunk. */
    static FloatVector even(IntVector pairs) {
        return pairs.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /** Elements 1, 3, 5, ... of a loaded chunk. */
    static FloatVector odd(IntVector pairs) {
        return pairs.and(0xFFFF0000).reinterpretAsFloats();
    }

    /**
     * The sum of a vector's lanes, added in lane order. {@code reduceLanes(ADD)} leaves the order unspecified, and
     * the JIT-compiled and interpreted versions do differ in the last bit, which would break the guarantee that
     * the same weights always give the same logits.
     */
    static float sumLanes(FloatVector v) {
        float sum = 0;
        for (int i = 0; i < LANES; i++) {
            sum += v.lane(i);
        }
        return sum;
    }

    /** One BF16 value as fp32. */
    static float get(MemorySegment bf16, long index) {
        return Float.intBitsToFloat(bf16.getAtIndex(BF16, index) << 16);
    }

    /** Converts {@code count} BF16 values starting at element {@code index} into {@code out[outOffset...]}. */
    static void toFloats(MemorySegment bf16, long index, float[] out, int outOffset, int count) {
        for (int i = 0; i < count; i++) {
            out[outOffset + i] = get(bf16, index + i);
        }
    }

    /**
     * Rearranges {@code x[xOffset .. xOffset+n)} so that each whole chunk of {@link #CHUNK} values lists its even
     * elements and then its odd ones, matching {@link #even}/{@link #odd}; the tail after the last whole chunk
     * is copied as is.
     */
    static void deinterleave(float[] x, int xOffset, int n, float[] out, int outOffset) {
        int whole = n - n % CHUNK;
        for (int c = 0; c < whole; c += CHUNK) {
            for (int j = 0; j < LANES; j++) {
                out[outOffset + c + j] = x[xOffset + c + 2 * j];
                out[outOffset + c + LANES + j] = x[xOffset + c + 2 * j + 1];
            }
        }
        System.arraycopy(x, xOffset + whole, out, outOffset + whole, n - whole);
    }
}
