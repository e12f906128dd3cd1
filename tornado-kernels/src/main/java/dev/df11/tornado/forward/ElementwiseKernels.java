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
     * projection), and {@code output} is packed {@code count x width} with each row quad-major
     * ({@link MatVecKernels#quadMajor}; {@code width} a multiple of 4): the input of the down projection.
     */
    public static void swiGlu(KernelContext context, FloatArray gateUp, FloatArray output, int width, IntArray batch) {
        int id = context.globalIdx;
        if (id < batch.get(ForwardKernels.COUNT) * width) {
            int token = id / width;
            int gate = id + token * width;
            float g = gateUp.get(gate);
            output.set(quadMajorAt(id, token, width), g / (1.0f + TornadoMath.exp(-g)) * gateUp.get(gate + width));
        }
    }
    /**
     * Multiplies the batch's {@code count x width} values of {@code vec} by {@code factor} (Gemma 3's embedding scale,
     * the float32 {@code sqrt(hidden)}, as the CPU backend multiplies the widened rows).
     */
    public static void scaleRows(KernelContext context, FloatArray vec, float factor, int width, IntArray batch) {
        int id = context.globalIdx;
        if (id < batch.get(ForwardKernels.COUNT) * width) {
            vec.set(id, vec.get(id) * factor);
        }
    }

    /**
     * Adds the batch's {@code count x width} values of {@code addend} to {@code sum}: Gemma 3's normalised sublayer
     * outputs joining the residual stream.
     */
    public static void addRows(KernelContext context, FloatArray addend, FloatArray sum, int width, IntArray batch) {
        int id = context.globalIdx;
        if (id < batch.get(ForwardKernels.COUNT) * width) {
            sum.set(id, sum.get(id) + addend.get(id));
        }
    }

    /**
     * Gemma 3's gated feed-forward activation, {@code output = gelu(gate) * up} with PyTorch's tanh approximation
     * {@code gelu(g) = 0.5 g (1 + tanh(sqrt(2/pi) (g + 0.044715 g^3)))}, in the float32 steps of the CPU backend;
     * rows laid out as for {@link #swiGlu} (the output quad-major).
     */
    public static void geluTanhGate(KernelContext context, FloatArray gateUp, FloatArray output, int width,
            IntArray batch) {
        int id = context.globalIdx;
        if (id < batch.get(ForwardKernels.COUNT) * width) {
            int token = id / width;
            int gate = id + token * width;
            float g = gateUp.get(gate);
            float inner = 0.7978845608028654f * (g + 0.044715f * g * g * g);
            output.set(quadMajorAt(id, token, width), 0.5f * g * (1.0f + TornadoMath.tanh(inner))
                    * gateUp.get(gate + width));
        }
    }

    /** Where packed element {@code id} (of row {@code token}, {@code width} per row) goes in quad-major rows. */
    private static int quadMajorAt(int id, int token, int width) {
        int c = id - token * width;
        return token * width + (c & 3) * (width / 4) + (c >> 2);
    }

    /**
     * Gemma's final logit soft-capping, {@code cap * tanh(x / cap)} on each of {@code vocabulary} logits in place
     * (divide, tanh, multiply, as transformers computes it).
     */
    public static void softCap(KernelContext context, FloatArray logits, float cap, int vocabulary) {
        int id = context.globalIdx;
        if (id < vocabulary) {
            logits.set(id, TornadoMath.tanh(logits.get(id) / cap) * cap);
        }
    }
}
