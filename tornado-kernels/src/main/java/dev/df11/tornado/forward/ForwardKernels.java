package dev.df11.tornado.forward;

/**
 * Constants shared by the forward-pass kernels, and the layout of the {@code batch} array through which the host
 * tells every kernel of a step which tokens it serves: {@code batch[0]} is the position of the batch's first token
 * (informative), {@code batch[1]} the number of rows (tokens) in the batch, and from {@code batch[ROWS]} on two ints
 * per row: row r's first KV-cache row ({@code batch[ROWS + 2r]}: its sequence slot times the context length, 0 for
 * the single sequence outside serving) and its position in its sequence ({@code batch[ROWS + 2r + 1]}). Rows of
 * different sequences can so share a step, each at its own slot and position. Kernels read the array on the device,
 * so one compiled graph runs every step without recompiling for new scalar values.
 */
public final class ForwardKernels {

    /** Largest work-group the reduction kernels support (capacity of their local arrays); a power of two. */
    public static final int MAX_LOCAL = 256;
    /** Index of the batch's first position in the batch array. */
    public static final int START = 0;
    /** Index of the batch's token count in the batch array. */
    public static final int COUNT = 1;
    /** Index of row 0's first KV-cache row; its position follows, then row 1's pair, and so on. */
    public static final int ROWS = 2;

    private ForwardKernels() {
    }

    /** Ints of a batch array for steps of up to {@code maxRows} rows. */
    public static int batchInts(int maxRows) {
        return ROWS + 2 * maxRows;
    }
}
