package dev.df11.lab.bench;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/** The bandwidth baseline: a plain device-to-device copy, one 32-bit word (two BF16 values) per work-item. */
public final class CopyKernels {

    private CopyKernels() {
    }

    /** {@code out[i] = in[i]} for {@code i < words}. */
    public static void copyWords(KernelContext context, IntArray in, IntArray out, int words) {
        int i = context.globalIdx;
        if (i < words) {
            out.set(i, in.get(i));
        }
    }
}
