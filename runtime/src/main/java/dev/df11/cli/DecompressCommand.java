package dev.df11.cli;

import dev.df11.format.model.Df11Decompressor;
import dev.df11.format.safetensors.ShardedSafetensorsWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code df11 decompress}: DF11 folder back to the original BF16 tensors. */
@Command(name = "decompress", mixinStandardHelpOptions = true,
        description = "Decode a DF11 model folder back into a BF16 Hugging Face folder (tensors bit-identical to the "
                + "original).")
public final class DecompressCommand extends Df11Command {

    @Parameters(index = "0", paramLabel = "<df11-dir>", description = "DF11 model folder")
    Path input;

    @Parameters(index = "1", paramLabel = "<out-dir>", description = "BF16 folder to create")
    Path output;

    @Mixin
    ThreadsOption threads;

    @Option(names = "--force", description = "Replace <out-dir> if it exists.")
    boolean force;

    @Option(names = "--check", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Check every tensor against the checksums recorded at compress time before writing it, and "
                    + "write nothing on a mismatch (default: on; --no-check writes whatever decodes).")
    boolean check;

    @Override
    protected int run() throws Exception {
        Df11Decompressor.Report r;
        try (ProgressBarListener listener = new ProgressBarListener(this, "decompress", err())) {
            r = Df11Decompressor.decompress(input, output, threads.value(), force,
                    ShardedSafetensorsWriter.DEFAULT_MAX_SHARD_BYTES, check, listener);
        }
        out().printf("decompressed %s -> %s%n", input, r.outDir());
        out().printf("  units:   %d decoded, %d other tensors copied%n", r.units(), r.plainTensors());
        out().printf("  size:    %s -> %s%n", Sizes.bytes(r.inputBytes()), Sizes.bytes(r.outputBytes()));
        out().printf("  time:    %s (%s of BF16 output)%n", Sizes.seconds(r.nanos()),
                Sizes.throughput(r.outputBytes(), r.nanos()));
        out().printf("  checked: %s%n", switch (r.integrity()) {
            case VERIFIED -> "every tensor matches its recorded checksum";
            case NO_CHECKSUMS -> "no (the folder records no checksums)";
            case NOT_CHECKED -> "no (--no-check)";
        });
        return 0;
    }
}
