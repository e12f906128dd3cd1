package dev.df11.format.codec;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/** The Vector API half of {@link WordMerge}; loaded only when the incubator module is present. */
final class VectorWordMerge {

    private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_128;
    private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_256;
    private static final int LANES = BYTES.length();

    private VectorWordMerge() {
    }

    /** Merges whole vectors' worth of elements; returns how many were done (the caller finishes the rest). */
    static int merge(byte[] exponents, int expOffset, MemorySegment signMantissa, long smOffset, MemorySegment out,
                     long outByte, int count) {
        int k = 0;
        for (; k <= count - LANES; k += LANES) {
            ShortVector sm = (ShortVector) ByteVector.fromMemorySegment(BYTES, signMantissa, smOffset + k,
                    ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2S, SHORTS, 0);
            ShortVector e = (ShortVector) ByteVector.fromArray(BYTES, exponents, expOffset + k)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, SHORTS, 0);
            sm.and((short) 0x807F).or(e.lanewise(VectorOperators.LSHL, 7))
                    .intoMemorySegment(out, outByte + 2L * k, ByteOrder.LITTLE_ENDIAN);
        }
        return k;
    }
}
