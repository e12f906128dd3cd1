package dev.df11.bench.runtime;

import dev.df11.runtime.serving.SchedulerLoad;
import dev.df11.runtime.serving.ServingEngine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The serving benchmark (not a JMH suite): drives the continuous-batching scheduler of {@code df11 serve} directly
 * (no HTTP) at several concurrencies, BF16 and DF11 of one model side by side in one run. At concurrency c, c
 * clients each send {@code requests} greedy requests back to back ({@code tokens} tokens each, prompts of 2 to 9
 * tokens); it reports aggregate generated tokens/s over the wall time, time to first token (submit to first token)
 * and per-token latency (the gaps between a sequence's tokens): median, p90, p99. One untimed round at each
 * concurrency first. Before the levels, each distinct prompt runs alone (untimed, at most {@code check-prompts} of
 * them, default {@link SchedulerLoad#DEFAULT_CHECK_PROMPTS}) and every later request of it must generate the same tokens (batch invariance): a mismatch
 * is reported and the exit code is 2. The load generator is {@link SchedulerLoad}, shared with the kernel lab's
 * {@code serve-bench} (TornadoVM devices). Run by {@code scripts/bench-serving.sh}, or:
 * {@code java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar
 * dev.df11.bench.runtime.ServingBenchmark [models] [concurrencies] [tokens] [requests] [threads] [context]
 * [check-prompts]} with models such as {@code stories15M-bf16,stories15M-df11} or model folder paths.
 */
public final class ServingBenchmark {

    private ServingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String[] models = (args.length > 0 ? args[0] : "stories15M-bf16,stories15M-df11").split(",");
        int[] levels = Arrays.stream((args.length > 1 ? args[1] : "1,4,16,64").split(","))
                .mapToInt(Integer::parseInt).toArray();
        int tokens = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int requests = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        int threads = args.length > 4 ? Integer.parseInt(args[4]) : Runtime.getRuntime().availableProcessors();
        int context = args.length > 5 ? Integer.parseInt(args[5]) : 256;
        int checkPrompts = args.length > 6 ? Integer.parseInt(args[6]) : SchedulerLoad.DEFAULT_CHECK_PROMPTS;
        int maxBatch = Arrays.stream(levels).max().orElse(1);
        Path scratch = Files.createTempDirectory("df11-serving-bench");
        System.out.printf(Locale.ROOT, "serving benchmark: %d tokens per request, %d requests per client, %d threads,"
                + " context %d, max batch %d%n", tokens, requests, threads, context, maxBatch);
        System.out.println(SchedulerLoad.tableHeader());
        int mismatches = 0;
        StringBuilder checks = new StringBuilder();
        try {
            for (String name : models) {
                Path dir = BenchModels.resolve(name, scratch);
                try (ServingEngine engine = ServingEngine.open(new ServingEngine.Options(dir, "cpu", null, threads,
                        false, null, context, maxBatch, 1 << 16, Long.MAX_VALUE))) {
                    SchedulerLoad load = new SchedulerLoad(engine.scheduler(), tokens,
                            engine.forward().weights().config().vocabSize());
                    int recorded = load.recordAlone(maxBatch, requests, checkPrompts);
                    int checked = 0;
                    int differ = 0;
                    StringBuilder examples = new StringBuilder();
                    for (int c : levels) {
                        SchedulerLoad.Result r = load.level(c, requests);
                        System.out.println(SchedulerLoad.tableRow(name, r));
                        System.out.flush();
                        checked += r.checked();
                        differ += r.mismatches();
                        r.examples().forEach(e -> examples.append("  ").append(e).append('\n'));
                    }
                    mismatches += differ;
                    checks.append(String.format(Locale.ROOT, "batch invariance, %s: %d prompts run alone first;"
                            + " %d requests compared, %d differ%n", name, recorded, checked, differ))
                            .append(examples);
                }
            }
        } finally {
            BenchModels.deleteRecursively(scratch);
        }
        System.out.print(checks);
        if (mismatches > 0) {
            System.out.println("FAILED: " + mismatches + " requests generated other tokens than their prompt alone");
            System.exit(2);
        }
    }
}
