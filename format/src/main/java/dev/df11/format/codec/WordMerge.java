package dev.df11.format.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Merges decoded exponents with sign_mantissa bytes into little-endian BF16 words:
 * {@code w = (sm & 0x807F) | (e << 7)} once {@code sm} is sign-extended to 16 bits (its bit 7 lands on bit 15).
 * Uses the Vector API when the JVM has the {@code jdk.incubator.vector} module (about ten times faster than the
 * scalar loop), else a scalar loop.
 */
final class WordMerge {

    static final boolean VECTORISED = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private WordMerge() {
    }

    /**
     * Writes {@code count} words to {@code out} from byte {@code outByte}: exponents from {@code exponents[expOffset..]},
     * sign_mantissa bytes from {@code signMantissa[smOffset..]}.
     */
    static void merge(byte[] exponents, int expOffset, MemorySegment signMantissa, long smOffset, MemorySegment out,
                      long outByte, int count) {
        int done = 0;
        if (VECTORISED) {
            done = VectorWordMerge.merge(exponents, expOffset, signMantissa, smOffset, out, outByte, count);
        }
        for (int k = done; k < count; k++) {
            int sm = signMantissa.get(ValueLayout.JAVA_BYTE, smOffset + k);
            out.set(ValueLayout.JAVA_SHORT_UNALIGNED, outByte + 2L * k, word(exponents[expOffset + k], sm));
        }
    }

    static short word(int exponent, int signMantissa) {
        return (short) ((signMantissa & 0x807F) | ((exponent & 0xFF) << 7));
    }
}
