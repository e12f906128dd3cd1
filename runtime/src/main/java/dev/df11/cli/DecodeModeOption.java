package dev.df11.cli;

import picocli.CommandLine.Option;

/** {@code --decode-mode}: how a backend that decodes DF11 on its device does it (the TornadoVM backend). */
public final class DecodeModeOption {

    @Option(names = "--decode-mode", paramLabel = "exact|fused|nibble", description = "--backend tornado: decode"
            + " each DF11 block's exponents into a buffer first (exact, the two-phase path; the default), inside the"
            + " matrix-vector kernels (fused: no decode buffer, slower), or re-code them at load time as 4-bit codes"
            + " the kernels read directly (nibble: about 75%% of BF16's device memory instead of DF11's 68%%; on an"
            + " H100 0.83x BF16's tokens/s on the Llama-3.1-8B shape, about twice exact's); the logits are the same bit"
            + " for bit.")
    String value;

    /** The mode asked for, or null for the backend's default. */
    public String value() {
        return value;
    }
}
