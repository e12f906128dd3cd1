package dev.df11.cli;

import picocli.CommandLine.Option;

/** {@code --decode-mode}: how a backend that decodes DF11 on its device does it (the TornadoVM backend). */
public final class DecodeModeOption {

    @Option(names = "--decode-mode", paramLabel = "auto|nibble|exact|fused", description = "--backend tornado:"
            + " re-code each DF11 unit's exponents at load time as 4-bit codes the kernels read directly (nibble: about"
            + " 75%% of BF16's device memory instead of DF11's 68%%; on an H100 0.885x BF16's tokens/s on the"
            + " Llama-3.1-8B shape, about twice exact's), decode each block's exponents into a buffer first (exact, the"
            + " two-phase path, DF11's smallest footprint), or inside the matrix-vector kernels (fused: no decode"
            + " buffer, slower); auto (the default) takes nibble where the model fits with it as well as with exact"
            + " and prints its choice. The logits are the same bit for bit in every mode.")
    String value;

    /** The mode asked for, or null for the backend's default. */
    public String value() {
        return value;
    }
}
