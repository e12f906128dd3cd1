package dev.df11.lab.matvec;

import dev.df11.format.codec.Df11Decoder;
import dev.df11.format.codec.Df11Encoder;
import dev.df11.format.codec.Df11Unit;
import dev.df11.lab.bench.GaussianBf16;
import dev.df11.tornado.forward.Bf16Scales;
import dev.df11.tornado.forward.TensorCoreKernels;
import dev.df11.tornado.forward.WeightPlanes;
import dev.df11.tornado.forward.weights.NibbleArrays;
import dev.df11.tornado.forward.weights.UnitMatrices;
import dev.df11.tornado.forward.weights.UnitTail;
import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.HalfFloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host half of the fp16 rungs ({@link HalfPlaneKernels}): the layout holds every weight of a unit's dense part
 * exactly (scaled by a power of two), the nibble rung's integer widening gives the same values from the nibble layout,
 * and the kernels' arithmetic, a row summed in the planes kernel's order with one fused multiply-add per product on the
 * scaled weights and then scaled back, gives the planes kernel's bits.
 * The kernel itself needs fp16 on the device, which PoCL's CPU device lacks: {@code matvec-bench --half} checks it on
 * a GPU against the planes kernel.
 */
class HalfPlaneKernelsTest {

    @Test
    void layoutHoldsTheDenseWeightsExactlyAndRowSumsScaleBackToTheSameBits() {
        int rows = 24;
        int cols = 4096;
        MemorySegment bf16 = GaussianBf16.generate(7, rows * cols, 0.02);
        WeightPlanes planes = WeightPlanes.split(bf16);
        Df11Unit unit = new Df11Encoder(2).encode("u", List.of(bf16));
        UnitTail tail = UnitTail.of(UnitMatrices.compressed("u", List.of(new UnitMatrices.Span("w", 0, rows, cols)),
                unit, new Df11Decoder(2)));
        FloatArray table = tail.table();
        int top = TensorCoreKernels.topExponent(table, "u");
        HalfFloatArray halves = HalfPlaneKernels.layout(planes, (long) rows * cols, table, top);
        float unscale = HalfPlaneKernels.unscale(top);
        SplittableRandom random = new SplittableRandom(3);
        float[] x = new float[cols];
        for (int c = 0; c < cols; c++) {
            x[c] = (float) random.nextGaussian();
        }
        int zeroed = 0;
        for (int r = 0; r < rows; r++) {
            float planesSum = 0.0f;
            float halfSum = 0.0f;
            for (int c = 0; c < cols; c++) {
                int i = r * cols + c;
                float w = widened(planes, table, i);
                float h = halves.get(i).getFloat32();
                assertEquals(Float.floatToRawIntBits(w), Float.floatToRawIntBits(h * unscale), "weight " + i);
                zeroed += w == 0.0f && (planes.bf16(i) & 0x7FFF) != 0 ? 1 : 0;
                planesSum = Math.fma(w, x[c], planesSum);
                halfSum = Math.fma(h, x[c], halfSum);
            }
            assertEquals(Float.floatToRawIntBits(planesSum), Float.floatToRawIntBits(halfSum * unscale), "row " + r);
        }
        assertEquals(tail.entries(), zeroed, "the tail's weights widen to zero in both layouts");
        assertTrue(zeroed > 0, "the case needs tail weights");
        // The nibble rung's widening: integer bits from the code's field and the sign/mantissa byte, as its kernel
        // reads them from the nibble layout.
        NibbleArrays nibbles = NibbleArrays.of(unit, tail.census(), new Df11Decoder(2));
        IntArray fields = HalfPlaneKernels.fields(table, top);
        for (int i = 0; i < rows * cols; i++) {
            int quad = i / 4;
            int j = i % 4;
            int codes = nibbles.codes().get(quad >> 1) >> ((quad & 1) << 4) & 0xFFFF;
            int m = nibbles.signMantissa().get(quad) >> (8 * j) & 0xFF;
            float h = HalfPlaneKernels.widenHalf(m, fields.get(codes >> (4 * j) & 15));
            float expected = halves.get(i).getFloat32();
            if (expected == 0.0f) {    // a zero or a tail weight: zero, of either sign
                assertEquals(0.0f, Math.abs(h), "nibble weight " + i);
            } else {
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(h), "nibble weight " + i);
            }
        }
    }

    @Test
    void refusesAWeightThatFp16CannotHoldOnceScaled() {
        MemorySegment bf16 = MemorySegment.ofArray(new short[4]);
        ValueLayout.OfShort layout = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        bf16.setAtIndex(layout, 0, (short) 0x3F00);               // 0.5: exponent 126, the top
        bf16.setAtIndex(layout, 2, (short) (0x2B40 | 0x8000));    // -1.5 * 2^-41: 42 binades below it
        WeightPlanes planes = WeightPlanes.split(bf16);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HalfPlaneKernels.layout(planes, 4, Bf16Scales.table(), 126));
        assertTrue(e.getMessage().contains("weight 2"), e.getMessage());
    }

    /** The planes kernel's widening of element {@code i} ({@link Bf16Scales#widenPlanes}) on {@code table}. */
    private static float widened(WeightPlanes planes, FloatArray table, int i) {
        int bits = planes.bf16(i);
        int exponent = bits >> 7 & 0xFF;
        int signMantissa = (bits >> 8 & 0x80) | (bits & 0x7F);
        return Bf16Scales.widenPlanes(exponent, signMantissa, table.get(Bf16Scales.planeIndex(exponent, signMantissa)));
    }
}
