package dev.df11.tornado.forward;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * One-work-item-per-element kernels of the forward pass. Launch: the element count of the largest batch, rounded up
 * to the local size; work-items beyond the current batch ({@code batch[1]} tokens) do nothing.
 */
public final class ElementwiseKernels {

    private ElementwiseKernels() {
    }

    /**
     * Widens the batch's BF16 embedding rows ({@code count x width}, packed two per int as in {@link Bf16Words})
     * into fp32 hidden states.
     */
    public static void widenRows(KernelContext context, IntArray bf16, FloatArray output, int width, IntArray batch,
            FloatArray scales) {
        int id = context.globalIdx;
        if (id < batch.get(ForwardKernels.COUNT) * width) {
            int bits = (bf16.get(id >> 1) >> ((id & 1) * 16)) & 0xFFFF;
            output.set(id, Bf16Scales.widen(bits, scales.get(Bf16Scales.index(bits))));
        }
    }

    /**
     * Copies the rows {@code select} names ({@code [_, n, row 0, ..., row n-1]}, {@link Activations#outputRows}) of
     * {@code input} ({@code width} floats each) to rows 0..n-1 of {@code output}: the rows whose logits a step returns.
     */
    public static void gatherRows(KernelContext context, FloatArray input, FloatArray output, int width,
            IntArray select) {
        int id = context.globalIdx;
        if (id < select.get(ForwardKernels.COUNT) * width) {
            int row = id / width;
            output.set(id, input.get(select.get(ForwardKernels.ROWS + row) * width + id - row * width));
        }
    }

    /** Adds a bias of {@code width} values to each token's row of {@code vec} (Qwen2's q, k, v biases). */
    public static void addBias(KernelContext context, FloatArray vec, FloatArray bias, int width, IntArray batch) {
        int id = context.globalIdx;
        if (id < batch.get(ForwardKernels.COUNT) * width) {
            int token = id / width;
            vec.set(id, vec.get(id) + bias.get(id - token * width));
        }
    }

    /**
     * SwiGLU: {@code output = silu(gate) * up} with {@code silu(g) = g / (1 + e^-g)}, where each token's row of
     * {@code gateUp} holds its {@code width} gate values and then its {@code width} up values (the fused gate|up
     * projection), and {@code output} is packed {@code count x width}.
     */
    public static void swiGlu(KernelContext context, FloatArray gateUp, FloatArray output, int width, IntArray batch) {
        int id = context.globalIdx;
        if (id < batch.get(ForwardKernels.COUNT) * width) {
            int token = id / width;
            int gate = id + token * width;
            float g = gateUp.get(gate);
            output.set(id, g / (1.0f + TornadoMath.exp(-g)) * gateUp.get(gate + width));
        }
    }
}
