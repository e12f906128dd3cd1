package dev.df11.tornado.forward;

/**
 * Constants shared by the forward-pass kernels, and the layout of the {@code step} array through which the host
 * tells every kernel of a step which tokens it serves: {@code step[0]} is the position of the batch's first token,
 * {@code batch[1]} the number of tokens in the batch. Kernels read both on the device, so one compiled graph runs
 * every step without recompiling for new scalar values.
 */
public final class ForwardKernels {

    /** Largest work-group the reduction kernels support (capacity of their local arrays); a power of two. */
    public static final int MAX_LOCAL = 256;
    /** Index of the batch's first position in the batch array. */
    public static final int START = 0;
    /** Index of the batch's token count in the batch array. */
    public static final int COUNT = 1;

    private ForwardKernels() {
    }
}
