package dev.df11.cli;

import dev.df11.format.model.ChecksumVerifier;
import dev.df11.format.model.Df11Model;
import dev.df11.format.model.Df11Verifier;
import dev.df11.format.safetensors.SafetensorsDirectory;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code df11 verify}: decode every unit and check every tensor, against the checksums recorded at compress time, or
 * bit for bit against the original folder with {@code --against}.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Decode every unit of a DF11 folder and check every tensor: against the checksums df11 recorded"
                + " when it compressed the folder, or, with --against, bit for bit against the original BF16 folder.",
        exitCodeListHeading = "Exit status:%n",
        exitCodeList = {"0:every tensor verified",
                "1:a mismatch, a missing tensor or an error",
                "2:bad command line",
                "3:the folder records no checksums (an official DFloat11 folder) and no --against was given: every "
                        + "unit decoded, but nothing proves the weights are the original ones"})
public final class VerifyCommand extends Df11Command {

    /** Exit status when a folder records no checksums and there is no reference to compare with. */
    public static final int NOT_VERIFIABLE = 3;

    @Parameters(index = "0", paramLabel = "<df11-dir>", description = "DF11 model folder")
    Path df11Dir;

    @Option(names = "--against", paramLabel = "<bf16-dir>",
            description = "The original BF16 folder to compare with bit for bit (default: the recorded checksums).")
    Path reference;

    @Mixin
    ThreadsOption threads;

    @Override
    protected int run() throws Exception {
        return reference == null ? verifyByChecksums() : verifyAgainstReference();
    }

    private int verifyByChecksums() throws Exception {
        ChecksumVerifier.Report r;
        try (Df11Model model = Df11Model.open(df11Dir);
                ProgressBarListener listener = new ProgressBarListener(this, "verify", err())) {
            r = ChecksumVerifier.verify(model, threads.value(), listener);
        }
        for (Df11Verifier.Mismatch m : r.mismatches()) {
            out().println("MISMATCH " + m);
        }
        out().printf("%s: %d units decoded, %d tensors (%s) %s in %s (%s)%n",
                r.recorded() ? "verified " + df11Dir + " by its recorded checksums" : "read " + df11Dir, r.units(),
                r.tensorsChecked(), Sizes.bytes(r.bytesChecked()), r.recorded() ? "checked" : "read",
                Sizes.seconds(r.nanos()), Sizes.throughput(r.bytesChecked(), r.nanos()));
        if (!r.mismatches().isEmpty()) {
            out().printf("FAILED: %d mismatch%s%n", r.mismatches().size(), r.mismatches().size() == 1 ? "" : "es");
            return FAILURE;
        }
        if (!r.recorded()) {
            out().println("NOT VERIFIED: every unit decoded without a format error, but "
                    + ChecksumVerifier.noChecksumsNotice(df11Dir));
            return NOT_VERIFIABLE;
        }
        out().println("OK: every tensor matches its recorded checksum");
        return 0;
    }

    private int verifyAgainstReference() throws Exception {
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
