package dev.df11.lab.matvec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import dev.df11.tornado.forward.Bf16Scales;
import dev.df11.tornado.forward.ForwardKernels;
import dev.df11.tornado.forward.weights.NibbleArrays;
import dev.df11.tornado.forward.weights.NibbleLayout;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Lab: a matrix split into its dense part and its tail, the order that takes escape code out of every product kernel
 * (KERNEL-NOTES, "The nibble layout", what removes the rest). The tail is the weights whose exponent is none of the
 * unit's coded exponents (the nibble census), zeros excepted. Dense kernels skip them through their table, whose
 * entries for uncoded exponents are zero here, in the planes form and the nibble form alike. A kernel after the
 * product then adds each row's tail products in column order ({@link #addTails}). BF16 and DF11 get the same sums this
 * way, and each token's sums involve only its own activations.
 *
 * @param tail   {@code rows + 1} entry starts per row, then where each entry's activation is in its token's row: the
 *               activations are quad-major ({@code MatVecKernels.addQuad}), column {@code 4k + j} at
 *               {@code j * cols / 4 + k}
 * @param scales the planes table (zero at uncoded exponents), the 32 code scales (zero for the escape code), then the
 *               entries' values: {@link NibbleLayout#SCALES} + entries floats
 */
public record TailSplit(IntArray tail, FloatArray scales) {

    private static final ValueLayout.OfShort BF16 =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * The split of the {@code rows} x {@code cols} BF16 matrix {@code bf16} (row-major, little-endian) whose nibble
     * layout is {@code nibbles}: its coded exponents say which weights are the tail, and its scales (the BF16 table,
     * then the code scales, the escape code's at zero) become the split's table once the uncoded exponents' entries
     * are zeroed.
     */
    public static TailSplit of(NibbleArrays nibbles, MemorySegment bf16, int rows, int cols) {
        boolean[] coded = new boolean[256];
        for (int e : nibbles.census().exponents()) {
            coded[e] = true;
        }
        int entries = 0;
        for (long i = 0; i < (long) rows * cols; i++) {
            if (inTail(bf16.getAtIndex(BF16, i), coded)) {
                entries++;
            }
        }
        IntArray tail = new IntArray(rows + 1 + entries);
        FloatArray scales = new FloatArray(NibbleLayout.SCALES + entries);
        for (int i = 0; i < NibbleLayout.SCALES; i++) {
            boolean zeroed = i < Bf16Scales.SIZE && !coded[i & 0xFF];
            scales.set(i, zeroed ? 0f : nibbles.scales().get(i));
        }
        int at = 0;
        for (int r = 0; r < rows; r++) {
            tail.set(r, at);
            for (int c = 0; c < cols; c++) {
                short bits = bf16.getAtIndex(BF16, (long) r * cols + c);
                if (inTail(bits, coded)) {
                    tail.set(rows + 1 + at, (c & 3) * (cols / 4) + (c >> 2));
                    scales.set(NibbleLayout.SCALES + at, Float.intBitsToFloat(bits << 16));
                    at++;
                }
            }
        }
        tail.set(rows, entries);
        return new TailSplit(tail, scales);
    }

    private static boolean inTail(short bits, boolean[] coded) {
        return (bits & 0x7FFF) != 0 && !coded[bits >> 7 & 0xFF];
    }

    /** Entries in the tail. */
    public int entries() {
        return scales.getSize() - NibbleLayout.SCALES;
    }

    /**
     * Adds to each output element written by a dense product (token {@code first + i / rows}, row
     * {@code i % rows}: the product kernels' layout, {@code first} the last token when {@code lastOnly} is 1) its
     * row's tail products with that token's activations ({@code x}, quad-major), in column order, each as one fused
     * multiply-add. One work-item per output element, at least {@code count * rows} of them. Kernel.
     */
    public static void addTails(KernelContext context, int rows, int cols, FloatArray x, FloatArray output,
            int lastOnly, IntArray batch, IntArray tail, FloatArray scales) {
        int i = context.globalIdx;
        int count = batch.get(ForwardKernels.COUNT);
        int first = 0;
        if (lastOnly == 1) {
            first = count - 1;
        }
        if (i < (count - first) * rows) {
            int row = i % rows;
            int xBase = (first + i / rows) * cols;
            float s = output.get(i);
            int to = tail.get(row + 1);
            for (int e = tail.get(row); e < to; e++) {
                s = s + scales.get(NibbleLayout.SCALES + e) * x.get(xBase + tail.get(rows + 1 + e));
            }
            output.set(i, s);
        }
    }
}
