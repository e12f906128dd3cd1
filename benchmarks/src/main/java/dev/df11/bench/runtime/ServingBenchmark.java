package dev.df11.bench.runtime;

import dev.df11.runtime.cpu.CpuBackend;
import dev.df11.runtime.inference.ForwardPass;
import dev.df11.runtime.inference.GenerationSettings;
import dev.df11.runtime.serving.BatchScheduler;
import dev.df11.runtime.serving.FinishReason;
import dev.df11.runtime.serving.SequenceListener;
import dev.df11.runtime.weights.WeightStore;
import dev.df11.runtime.weights.WeightStores;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The serving benchmark (not a JMH suite): drives the continuous-batching scheduler of {@code df11 serve} directly
 * (no HTTP) at several concurrencies, BF16 and DF11 of one model side by side in one run. At concurrency c, c
 * clients each send {@code requests} greedy requests back to back ({@code tokens} tokens each, prompts of 2 to 9
 * tokens); it reports aggregate generated tokens/s over the wall time, time to first token (submit to first token)
 * and per-token latency (the gaps between a sequence's tokens): median, p90, p99. One untimed round at each
 * concurrency first. Run by {@code scripts/bench-serving.sh}, or:
 * {@code java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar
 * dev.df11.bench.runtime.ServingBenchmark [models] [concurrencies] [tokens] [requests] [threads] [context]}
 * with models such as {@code stories15M-bf16,stories15M-df11} or model folder paths.
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
        int maxBatch = Arrays.stream(levels).max().orElse(1);
        Path scratch = Files.createTempDirectory("df11-serving-bench");
        System.out.printf(Locale.ROOT, "serving benchmark: %d tokens per request, %d requests per client, %d threads,"
                + " context %d, max batch %d%n", tokens, requests, threads, context, maxBatch);
        System.out.println("| model | concurrency | tokens/s (aggregate) | TTFT median / p90 / p99 (ms) "
                + "| per-token latency median / p90 / p99 (ms) | requests | wall (s) |");
        System.out.println("|---|---|---|---|---|---|---|");
        try {
            for (String name : models) {
                Path dir = BenchModels.resolve(name, scratch);
                try (WeightStore weights = WeightStores.open(dir, new WeightStores.Df11Options(threads));
                     ForwardPass forward = new ForwardPass(new CpuBackend(threads), weights, context,
                             Math.max(64, maxBatch));
                     BatchScheduler scheduler = new BatchScheduler(weights, forward.backend(), forward, context,
                             maxBatch, 1 << 16, Long.MAX_VALUE)) {
                    for (int c : levels) {
                        run(scheduler, c, tokens, 1);    // warm-up, untimed
                        Result r = run(scheduler, c, tokens, requests);
                        System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %s | %s | %d | %.2f |%n", name, c,
                                r.tokensPerSecond(), percentiles(r.ttft), percentiles(r.gaps), r.requests,
                                r.wallNanos / 1e9);
                        System.out.flush();
                    }
                }
            }
        } finally {
            BenchModels.deleteRecursively(scratch);
        }
    }

    private record Result(long tokens, long wallNanos, int requests, List<Long> ttft, List<Long> gaps) {
        double tokensPerSecond() {
            return tokens * 1e9 / wallNanos;
        }
    }

    private static Result run(BatchScheduler scheduler, int clients, int tokens, int requests) throws Exception {
        List<Long> ttft = Collections.synchronizedList(new ArrayList<>());
        List<Long> gaps = Collections.synchronizedList(new ArrayList<>());
        long[] total = {0};
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> all = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                all.add(pool.submit(() -> {
                    for (int r = 0; r < requests; r++) {
                        int[] prompt = new int[2 + (client + r) % 8];
                        prompt[0] = 1;
                        for (int i = 1; i < prompt.length; i++) {
                            prompt[i] = 100 + 37 * (client * 7 + r * 3 + i) % 5000;
                        }
                        long submitted = System.nanoTime();
                        long[] last = {0};
                        int[] count = {0};
                        CompletableFuture<FinishReason> done = new CompletableFuture<>();
                        scheduler.submit(prompt, GenerationSettings.greedy(tokens), new SequenceListener() {
                            @Override
                            public void onToken(int token) {
                                long now = System.nanoTime();
                                if (last[0] == 0) {
                                    ttft.add(now - submitted);
                                } else {
                                    gaps.add(now - last[0]);
                                }
                                last[0] = now;
                                count[0]++;
                            }

                            @Override
                            public void onEnd(FinishReason reason, Throwable error) {
                                done.complete(reason);
                            }
                        });
                        FinishReason reason = done.get();
                        if (reason != FinishReason.LENGTH && reason != FinishReason.STOP) {
                            throw new IllegalStateException("a request ended with " + reason);
                        }
                        synchronized (total) {
                            total[0] += count[0];
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
        }
        return new Result(total[0], System.nanoTime() - start, clients * requests, ttft, gaps);
    }

    private static String percentiles(List<Long> nanos) {
        if (nanos.isEmpty()) {
            return "-";
        }
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        return String.format(Locale.ROOT, "%.1f / %.1f / %.1f", at(sorted, 0.5), at(sorted, 0.9), at(sorted, 0.99));
    }

    private static double at(long[] sorted, double q) {
        int i = (int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)));
        return sorted[i] / 1e6;
    }
}
