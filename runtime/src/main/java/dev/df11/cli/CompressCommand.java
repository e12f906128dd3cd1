package dev.df11.cli;

import dev.df11.format.model.CompressOptions;
import dev.df11.format.model.CompressionReport;
import dev.df11.format.model.Df11Compressor;
import dev.df11.format.model.UnitOutcome;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code df11 compress}: BF16 Hugging Face folder to DF11 folder. */
@Command(name = "compress", mixinStandardHelpOptions = true,
        description = "Compress the BF16 weights of a Hugging Face model folder losslessly into DF11.")
public final class CompressCommand extends Df11Command {

    @Parameters(index = "0", paramLabel = "<bf16-dir>", description = "model folder with BF16 safetensors")
    Path input;

    @Parameters(index = "1", paramLabel = "<out-dir>", description = "DF11 folder to create")
    Path output;

    @Mixin
    PatternOption pattern;

    @Mixin
    ThreadsOption threads;

    @Option(names = "--force", description = "Replace <out-dir> if it exists.")
    boolean force;

    @Override
    protected int run() throws Exception {
        CompressOptions options = CompressOptions.defaults().withPatternDict(pattern.value())
                .withThreads(threads.value()).withReplaceExisting(force);
        CompressionReport r;
        try (ProgressBarListener listener = new ProgressBarListener(this, "compress", err())) {
            r = Df11Compressor.compress(input, output, options, listener);
        }
        List<UnitOutcome> kept = r.units().stream().filter(u -> !u.encoded()).toList();
        long unitBf16 = r.units().stream().filter(UnitOutcome::encoded).mapToLong(UnitOutcome::bf16Bytes).sum();
        long unitDf11 = r.units().stream().filter(UnitOutcome::encoded).mapToLong(UnitOutcome::storedBytes).sum();
        out().printf("compressed %s -> %s%n", input, r.outDir());
        out().printf("  units:   %d encoded%s%n", r.encodedUnits(), kept.isEmpty() ? ""
                : ", " + kept.size() + " kept as BF16 (" + String.join(", ", kept.stream().map(UnitOutcome::unit)
                        .toList()) + ")");
        out().printf("  encoded: %s -> %s (%s)%n", Sizes.bytes(unitBf16), Sizes.bytes(unitDf11),
                Sizes.percent(unitDf11, unitBf16));
        out().printf("  other:   %d tensors copied, %s%n", r.plainTensors(), Sizes.bytes(r.plainBytes()));
        out().printf("  total:   %s -> %s (%s of the original)%n", Sizes.bytes(r.inputBytes()),
                Sizes.bytes(r.outputBytes()), Sizes.percent(r.outputBytes(), r.inputBytes()));
        out().printf("  time:    %s (%s of BF16 input)%n", Sizes.seconds(r.nanos()),
                Sizes.throughput(r.inputBytes(), r.nanos()));
        return 0;
    }
}
