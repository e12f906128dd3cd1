package dev.df11.cli;

import dev.df11.runtime.synthetic.SyntheticModelWriter;
import dev.df11.runtime.synthetic.SyntheticShape;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/** {@code df11 synthetic}: writes a deterministic random-weight Llama folder of a real model's shape. */
@Command(name = "synthetic", mixinStandardHelpOptions = true,
        description = "Write a deterministic Llama folder with random N(0, 0.02) BF16 weights, norms 1.0, the real "
                + "config shapes and a synthetic tokenizer.bin (its vocabulary means nothing; use --prompt-ids or "
                + "any text). Streams to disk, so even the 16 GB 8B shape needs little memory.")
public final class SyntheticCommand extends Df11Command {

    @Option(names = "--shape", required = true, paramLabel = "<shape>",
            description = "llama-3.2-1b, llama-3.1-8b, llama-44b or tiny.")
    String shape;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", description = "Writer threads, 1 to " + ThreadsOption.MAX_THREADS
            + " (default: all cores).")
    Integer threads;

    @Option(names = "--max-shard-bytes", defaultValue = "5000000000", converter = WholeNumberConverter.class,
            description = "Start a new safetensors shard beyond this size, at least 1 (default: ${DEFAULT-VALUE}, as "
                    + "Hugging Face; 5e9 is accepted).")
    long maxShardBytes;

    @Option(names = "--force", description = "Replace <out-dir> if it exists.")
    boolean force;

    @Parameters(index = "0", paramLabel = "<out-dir>", description = "Folder to create.")
    Path outDir;

    @Override
    protected int run() throws Exception {
        int threadCount = ThreadsOption.resolve("--threads", threads);
        if (maxShardBytes < 1) {
            throw new IllegalArgumentException("--max-shard-bytes " + maxShardBytes + " is out of range: give the "
                    + "largest shard file size in bytes, at least 1 (default 5000000000)");
        }
        SyntheticShape s = SyntheticShape.byId(shape);
        long bytes = SyntheticModelWriter.weightBytes(s);
        long start = System.nanoTime();
        SyntheticModelWriter.Result result;
        try (Progress bar = progress("synthetic " + s.id() + " (MiB)", mebibytes(bytes))) {
            long[] written = {0};
            result = SyntheticModelWriter.write(s, seed, outDir, force, threadCount, maxShardBytes, (n, tensor) -> {
                synchronized (written) {
                    long before = mebibytes(written[0]);
                    written[0] += n;
                    bar.step(mebibytes(written[0]) - before, tensor);
                }
            });
        }
        long elapsed = System.nanoTime() - start;
        out().printf("wrote %s: %s, seed %d, %s of BF16 weights in %d file(s)%n", result.dir(), s.id(), seed,
                Sizes.bytes(result.weightBytes()), result.shards().size());
        out().printf("  time: %s (%s)%n", Sizes.seconds(elapsed), Sizes.throughput(result.weightBytes(), elapsed));
        return 0;
    }

    /** Whole MiB, rounded up, so that the bar ends full. */
    private static long mebibytes(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }
}
