package dev.df11.cli;

import dev.df11.runtime.llama2c.Llama2cCheckpoint;
import dev.df11.runtime.llama2c.Llama2cImporter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code df11 import-llama2c}: llama2.c checkpoint + tokenizer to a Hugging Face Llama folder in BF16. */
@Command(name = "import-llama2c", mixinStandardHelpOptions = true,
        description = "Convert a llama2.c checkpoint (model.bin) and tokenizer.bin into a Hugging Face Llama folder "
                + "with BF16 weights.")
public final class ImportLlama2cCommand extends Df11Command {

    @Parameters(index = "0", paramLabel = "<model.bin>", description = "llama2.c checkpoint")
    Path model;

    @Parameters(index = "1", paramLabel = "<tokenizer.bin>", description = "llama2.c tokenizer")
    Path tokenizer;

    @Parameters(index = "2", paramLabel = "<out-dir>", description = "folder to create")
    Path outDir;

    @Option(names = "--force", description = "Replace <out-dir> if it exists.")
    boolean force;

    @Override
    protected int run() throws Exception {
        long start = System.nanoTime();
        int tensors;
        try (Llama2cCheckpoint ckpt = Llama2cCheckpoint.open(model)) {
            tensors = Llama2cImporter.tensorCount(ckpt.header());
        }
        Llama2cImporter.Result result;
        try (Progress bar = progress("import", tensors)) {
            result = Llama2cImporter.importModel(model, tokenizer, outDir, force, (name, bytes) -> bar.step(1, name));
        }
        long elapsed = System.nanoTime() - start;
        var h = result.header();
        out().printf("imported %s -> %s%n", model, result.outDir());
        out().printf("  model:   Llama, dim %d, hidden %d, %d layers, %d heads (%d kv), vocab %d, context %d, %s%n",
                h.dim(), h.hiddenDim(), h.layers(), h.heads(), h.kvHeads(), h.vocabSize(), h.seqLen(),
                h.sharedClassifier() ? "tied embeddings" : "separate lm_head");
        out().printf("  tensors: %d, %s in BF16%n", result.tensorCount(), Sizes.bytes(result.bf16Bytes()));
        out().printf("  time:    %s (%s)%n", Sizes.seconds(elapsed), Sizes.throughput(result.bf16Bytes(), elapsed));
        return 0;
    }
}
