package dev.df11.cli;

import picocli.CommandLine.Option;

/** {@code --decode-mode}: how a backend that decodes DF11 on its device does it (the TornadoVM backend). */
public final class DecodeModeOption {

    @Option(names = "--decode-mode", paramLabel = "fused|exact", description = "--backend tornado: decode DF11"
            + " exponents inside the matrix-vector kernels (fused, the default) or each block's into a buffer first"
            + " (exact, the two-phase path); the logits are the same bit for bit.")
    String value;

    /** The mode asked for, or null for the backend's default. */
    public String value() {
        return value;
    }
}
