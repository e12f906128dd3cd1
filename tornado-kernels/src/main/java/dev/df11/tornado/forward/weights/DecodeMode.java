package dev.df11.tornado.forward.weights;

/**
 * How the device reads a DF11 unit's weights. All give the same products bit for bit (the same dot-product code in
 * the same order), so the logits do not depend on the mode.
 */
public enum DecodeMode {

    /**
     * Exponents decoded inside the matrix-vector kernels ({@link dev.df11.tornado.forward.FusedMatVecKernels}): no
     * decoded weight reaches global memory, no shared decode buffer. Needs a per-chunk index of the stream made at
     * load time ({@link ChunkStarts}, 0.5 bit per weight) and rows of at most
     * {@link dev.df11.tornado.forward.FusedMatVecKernels#STAGE_ELEMENTS} weights; a unit that does not qualify is
     * decoded {@link #EXACT}ly instead.
     */
    FUSED("fused"),
    /**
     * Each block's unit decoded in full into a shared exponent plane (v3f) right before the block runs; the kernels
     * then read the plane. The two-phase path of the embedding API.
     */
    EXACT("exact"),
    /**
     * Each unit's exponents re-coded on the host at load time as 4-bit codes into its 15 coded exponents
     * ({@link NibbleLayout}, 12 bits a weight against DF11's 11; the other weights are the unit's tail, which every
     * mode adds after the product: {@link UnitTail}), which the matrix-vector kernels read directly
     * ({@link dev.df11.tornado.forward.NibbleMatVecKernels}): no decode pass, no shared buffer. A unit of more weights
     * than the kernels index with int is decoded {@link #EXACT}ly instead.
     */
    NIBBLE("nibble"),
    /**
     * {@link #NIBBLE} where the model fits with it as well as with {@link #EXACT}, else exact
     * ({@link DecodeModeChoice}): the backend resolves it when it loads a model and prints its choice. Only the
     * options carry it; the device arrays and the memory plan are always made for a resolved mode.
     */
    AUTO("auto");

    private final String id;

    DecodeMode(String id) {
        this.id = id;
    }

    /** The name used on the command line. */
    public String id() {
        return id;
    }

    /**
     * The mode called {@code id}.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static DecodeMode parse(String id) {
        for (DecodeMode mode : values()) {
            if (mode.id.equals(id)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown decode mode '" + id + "'; expected auto, nibble, exact or fused");
    }

    /**
     * This mode, which must be a resolved one (not {@link #AUTO}).
     *
     * @throws IllegalArgumentException naming {@code what} for {@link #AUTO}
     */
    public DecodeMode resolved(String what) {
        if (this == AUTO) {
            throw new IllegalArgumentException(what + " needs a resolved decode mode (nibble, exact or fused): the"
                    + " backend resolves auto when it loads the model");
        }
        return this;
    }
}
