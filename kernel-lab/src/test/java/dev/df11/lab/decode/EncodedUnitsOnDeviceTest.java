package dev.df11.lab.decode;

import dev.df11.tornado.decode.SinglePassKernels;
import dev.df11.tornado.decode.TripleTableTest;
import dev.df11.format.codec.Df11Encoder;
import dev.df11.format.codec.Df11Unit;
import dev.df11.format.testing.Histograms;
import dev.df11.format.testing.TestWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Units made by our encoder decode on the device exactly as on the CPU: all patterns, edge sizes, extreme codes. */
class EncodedUnitsOnDeviceTest {

    private static final Df11Encoder ENCODER = new Df11Encoder(2);

    private static Df11Unit encode(String name, MemorySegment bf16) {
        Df11Unit unit = ENCODER.encode(name, List.of(bf16));
        DeviceOracle.assertCpuRoundTrip(unit, bf16);
        return unit;
    }

    @ParameterizedTest
    @EnumSource(KernelVersion.class)
    void everyEncodableBf16Pattern(KernelVersion version) {
        MemorySegment all = TestWeights.allPatternsBelowExponent(240);
        assertEquals(61_440, all.byteSize() / 2);
        DeviceOracle.assertDecodesLikeCpu(encode("all_patterns", all), version);
    }

    /** Empty, one element, less than a window, around one 4096-byte block of stream, and many blocks. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 4095, 4096, 4097, 12_289, 3_000_001})
    void edgeSizesWithStagedKernel(int n) {
        DeviceOracle.assertDecodesLikeCpu(encode("gauss" + n, TestWeights.gaussian(n, n)), KernelVersion.V2_STAGED);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 4095, 4096, 4097, 12_289, 3_000_001})
    void edgeSizesWithPackedInputKernels(int n) {
        Df11Unit unit = encode("gauss" + n, TestWeights.gaussian(n, n));
        for (KernelVersion version : KernelVersion.values()) {
            if (version.usesPackedInputs()) {
                DeviceOracle.assertDecodesLikeCpu(unit, version);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4097, 3_000_001})
    void edgeSizesWithGlobalKernel(int n) {
        DeviceOracle.assertDecodesLikeCpu(encode("gauss" + n, TestWeights.gaussian(n, n)), KernelVersion.V1_GLOBAL);
    }

    /**
     * Fibonacci exponent counts over 33 exponents: the Huffman code is as deep as it can be, 32-bit codes, decoded
     * through chains of four tables.
     */
    @Test
    void skewedCountsWith32BitCodes() {
        Df11Unit unit = encode("fib33", TestWeights.withExponentCounts(33, Histograms.fibonacci(90, 33)));
        assertEquals(32, maxCodeLength(unit));
        for (KernelVersion version : KernelVersion.values()) {
            DeviceOracle.assertDecodesLikeCpu(unit, version);
        }
    }

    /** A code that needs all 16 tables the layout allows (15 child tables). */
    @Test
    void codeWithSixteenTables() {
        long[] counts = Histograms.dyadic(Histograms.lengthsNeedingChildTables(15));
        for (int e = 0; e < counts.length; e++) {
            counts[e] *= 40;   // several blocks of stream
        }
        Df11Unit unit = encode("tables16", TestWeights.withExponentCounts(16, counts));
        assertEquals(17, unit.luts().byteSize() / 256, "16 tables plus the length row");
        for (KernelVersion version : KernelVersion.values()) {
            DeviceOracle.assertDecodesLikeCpu(unit, version);
        }
    }

    /**
     * Many 1-bit codes: over 30,000 elements per block, so the staged kernel needs all four of its passes and the
     * single-pass kernels write the elements past their stage directly.
     */
    @ParameterizedTest
    @EnumSource(value = KernelVersion.class, names = "V1_GLOBAL", mode = EnumSource.Mode.EXCLUDE)
    void blocksFullOfOneBitCodes(KernelVersion version) {
        long[] counts = new long[256];
        counts[120] = 200_000;
        counts[121] = 700;
        Df11Unit unit = encode("onebit", TestWeights.withExponentCounts(1, counts));
        long firstBlock = unit.outputPosition(1) - unit.outputPosition(0);
        assertTrue(firstBlock > 3 * BaselineKernels.STAGE_WORDS, "first block holds " + firstBlock + " elements");
        assertTrue(firstBlock > SinglePassKernels.STAGE_ELEMENTS && firstBlock > OneDecodeKernels.STAGE_ELEMENTS,
                "first block holds " + firstBlock + " elements");
        DeviceOracle.assertDecodesLikeCpu(unit, version);
    }

    /**
     * 1- and 2-bit codes (lengths 1..12, child tables too): most bytes hold three codes, so v3f's phase 1 decodes
     * three per lookup; ~32 codes per 64-bit window, so work-items fall on both sides of the 32 kept exponents.
     */
    @Test
    void threeCodesPerByte() {
        long[] counts = TripleTableTest.skewedCounts();
        for (int e = 0; e < counts.length; e++) {
            counts[e] *= 100;
        }
        Df11Unit unit = encode("triples", TestWeights.withExponentCounts(5, counts));
        assertTrue(unit.blockCount() > 4, unit.blockCount() + " blocks");
        DeviceOracle.assertDecodesLikeCpu(unit, KernelVersion.V3F_EXPONENT_PLANE);
    }

    private static int maxCodeLength(Df11Unit unit) {
        int rows = (int) (unit.luts().byteSize() / 256);
        int max = 0;
        for (int e = 0; e < 256; e++) {
            max = Math.max(max, unit.luts().get(java.lang.foreign.ValueLayout.JAVA_BYTE, (rows - 1) * 256L + e) & 0xFF);
        }
        return max;
    }
}
