package dev.df11.cli;

import dev.df11.format.model.Df11Model;
import dev.df11.format.model.Df11Verifier;
import dev.df11.format.safetensors.SafetensorsDirectory;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code df11 verify}: decode every unit and compare every bit with the original folder. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Decode every unit of a DF11 folder and compare it bit for bit with the original BF16 folder. "
                + "Exits 1 on any difference or missing tensor.")
public final class VerifyCommand extends Df11Command {

    @Parameters(index = "0", paramLabel = "<df11-dir>", description = "DF11 model folder")
    Path df11Dir;

    @Option(names = "--against", required = true, paramLabel = "<bf16-dir>", description = "the original folder")
    Path reference;

    @Mixin
    ThreadsOption threads;

    @Override
    protected int run() throws Exception {
        Df11Verifier.Report r;
        try (Df11Model model = Df11Model.open(df11Dir);
                SafetensorsDirectory original = SafetensorsDirectory.open(reference);
                ProgressBarListener listener = new ProgressBarListener(this, "verify", err())) {
            r = Df11Verifier.verify(model, original, threads.value(), listener);
        }
        for (Df11Verifier.Mismatch m : r.mismatches()) {
            out().println("MISMATCH " + m);
        }
        out().printf("verified %s against %s: %d units decoded, %d tensors (%s) compared in %s (%s)%n", df11Dir,
                reference, r.units(), r.tensorsCompared(), Sizes.bytes(r.bytesCompared()), Sizes.seconds(r.nanos()),
                Sizes.throughput(r.bytesCompared(), r.nanos()));
        if (r.identical()) {
            out().println("OK: every tensor is bit-identical");
            return 0;
        }
        out().printf("FAILED: %d mismatch%s%n", r.mismatches().size(), r.mismatches().size() == 1 ? "" : "es");
        return FAILURE;
    }
}
