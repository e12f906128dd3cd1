package dev.df11.runtime.llama2c;

/**
 * Row order of the query and key projections. llama2.c applies rotary embeddings to interleaved pairs
 * {@code (2p, 2p+1)} of each head; Hugging Face Llama rotates halves, pairing {@code p} with {@code p + head/2}. The
 * Hugging Face conversion therefore reorders the rows of each head: viewing the matrix as
 * {@code [heads, head/2, 2, cols]} and swapping the middle axes, HF row {@code h*head + j*head/2 + p} is llama2.c row
 * {@code h*head + 2p + j}.
 */
public final class RotaryPermutation {

    private RotaryPermutation() { }

    /**
     * The llama2.c row that becomes row {@code hfRow} in Hugging Face order.
     *
     * @param heads number of heads the rows are split into (n_kv_heads for the key projection)
     * @param rows  total rows, a multiple of {@code 2 * heads}
     */
    public static int sourceRow(int hfRow, int heads, int rows) {
        int headSize = rows / heads;
        int half = headSize / 2;
        int head = hfRow / headSize;
        int within = hfRow % headSize;
        int j = within / half;
        int p = within % half;
        return head * headSize + 2 * p + j;
    }
}
