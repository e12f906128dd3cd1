package dev.df11.runtime.serving;

import dev.df11.runtime.inference.GenerationSettings;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The serving benchmarks' load generator (the CPU {@code ServingBenchmark} and the kernel lab's {@code serve-bench}
 * for TornadoVM devices): drives a {@link BatchScheduler} directly, no HTTP. At concurrency c, c clients (virtual
 * threads) each submit {@code requests} greedy requests of {@code tokens} tokens back to back; client k's request r
 * has a fixed prompt of 2 to 9 tokens ({@link #prompt}). Measured: generated tokens over the wall time, time to first
 * token (submit to first token) and the gaps between a sequence's tokens.
 *
 * <p>It also checks batch invariance, which the scheduler promises: a request's greedy tokens must not depend on what
 * runs beside it. {@link #recordAlone} runs prompts one at a time, untimed, and keeps their tokens; every later
 * request of a recorded prompt is compared with them, and a {@link Result} counts the requests checked and those
 * that differ.
 */
public final class SchedulerLoad {

    /**
     * Prompts run alone for the check unless a benchmark is told otherwise: with two requests per client, every prompt
     * of clients 0 to 3, whom every level from 4 up has (beside 60 other clients at concurrency 64), for the cost of 8
     * single-sequence generations (all 128 prompts of the default run would take minutes at batch 1 on an 8B model).
     */
    public static final int DEFAULT_CHECK_PROMPTS = 8;
    /** The longest prompt {@link #prompt} makes. */
    public static final int LONGEST_PROMPT = 9;
    /** Mismatches described in a result at most (the count is always complete). */
    private static final int EXAMPLES = 3;

    private final BatchScheduler scheduler;
    private final int tokens;
    private final int vocabSize;
    /** Each recorded prompt's tokens when it ran alone; written by {@link #recordAlone} only, before any level. */
    private final Map<List<Integer>, List<Integer>> alone;

    /**
     * What one round (or a level: warm-up and timed round) measured.
     *
     * @param clients    concurrency
     * @param tokens     tokens generated in the timed round
     * @param wallNanos  wall time of the timed round
     * @param requests   requests of the timed round
     * @param ttft       time to first token of each timed request, nanoseconds
     * @param gaps       gaps between consecutive tokens of the timed requests, nanoseconds
     * @param checked    requests (warm-up included) whose prompt was recorded alone, so compared
     * @param mismatches of those, the ones whose tokens differ from the prompt's alone
     * @param examples   the first few mismatches, described
     */
    public record Result(int clients, long tokens, long wallNanos, int requests, List<Long> ttft, List<Long> gaps,
                         int checked, int mismatches, List<String> examples) {

        public Result {
            ttft = List.copyOf(ttft);
            gaps = List.copyOf(gaps);
            examples = List.copyOf(examples);
        }

        public double tokensPerSecond() {
            return tokens * 1e9 / wallNanos;
        }

        public double wallSeconds() {
            return wallNanos / 1e9;
        }

        /** Quantile {@code q} of the times to first token in milliseconds, NaN when there are none. */
        public double ttftMillis(double q) {
            return quantileMillis(ttft, q);
        }

        /** Quantile {@code q} of the per-token gaps in milliseconds, NaN when there are none. */
        public double gapMillis(double q) {
            return quantileMillis(gaps, q);
        }

        /** The invariance check in words: "n/n" when every checked request matched, else with the mismatches. */
        public String invariance() {
            if (checked == 0) {
                return "not checked";
            }
            return mismatches == 0 ? checked + "/" + checked + " same as alone"
                    : mismatches + " of " + checked + " DIFFER from alone";
        }
    }

    /**
     * @param scheduler the scheduler to load (its model's vocabulary bounds the prompts' token ids)
     * @param tokens    greedy tokens per request
     * @param vocabSize the model's vocabulary size (more than 101: prompts use ids from 100 up)
     */
    public SchedulerLoad(BatchScheduler scheduler, int tokens, int vocabSize) {
        this(scheduler, tokens, vocabSize, Map.of());
    }

    /** As the public constructor, with prompts' tokens alone given (tests: a reference that must not match). */
    SchedulerLoad(BatchScheduler scheduler, int tokens, int vocabSize, Map<List<Integer>, List<Integer>> alone) {
        if (tokens < 1) {
            throw new IllegalArgumentException("tokens per request must be >= 1, got " + tokens);
        }
        if (vocabSize <= 101) {
            throw new IllegalArgumentException("a vocabulary of " + vocabSize + " ids is too small for the benchmark's"
                    + " prompts (ids 100 and up)");
        }
        if (scheduler.contextLength() < LONGEST_PROMPT + tokens) {
            throw new IllegalArgumentException("a context of " + scheduler.contextLength() + " tokens does not hold a"
                    + " prompt of up to " + LONGEST_PROMPT + " tokens and " + tokens + " generated: give a larger"
                    + " context or fewer tokens");
        }
        this.scheduler = scheduler;
        this.tokens = tokens;
        this.vocabSize = vocabSize;
        this.alone = new LinkedHashMap<>(alone);
    }

    /**
     * Client {@code client}'s request {@code request}: token 1 then 1 to 8 ids from 100 up, fixed for a given
     * client, request and vocabulary (a vocabulary of 5100 ids or more gets the same prompts at every size).
     */
    public static int[] prompt(int client, int request, int vocabSize) {
        int span = Math.min(5000, vocabSize - 100);
        int[] prompt = new int[2 + (client + request) % 8];
        prompt[0] = 1;
        for (int i = 1; i < prompt.length; i++) {
            prompt[i] = 100 + 37 * (client * 7 + request * 3 + i) % span;
        }
        return prompt;
    }

    /**
     * Runs the distinct prompts of {@code clients} clients' {@code requests} requests one at a time (untimed), at
     * most {@code limit} of them (client 0's first: its prompts come at every concurrency), and records their tokens
     * for the invariance check.
     *
     * @return the prompts recorded
     */
    public int recordAlone(int clients, int requests, int limit) throws Exception {
        Map<List<Integer>, int[]> distinct = new LinkedHashMap<>();
        for (int c = 0; c < clients && distinct.size() < limit; c++) {
            for (int r = 0; r < requests && distinct.size() < limit; r++) {
                int[] p = prompt(c, r, vocabSize);
                distinct.putIfAbsent(key(p), p);
            }
        }
        for (Map.Entry<List<Integer>, int[]> e : distinct.entrySet()) {
            if (!alone.containsKey(e.getKey())) {
                alone.put(e.getKey(), generate(e.getValue(), null, null));
            }
        }
        return distinct.size();
    }

    /** Every prompt {@link #recordAlone} ran with the tokens it generated alone, in the order they ran. */
    public Map<List<Integer>, List<Integer>> tokensAlone() {
        return Collections.unmodifiableMap(alone);
    }

    /** The tokens {@code prompt} generated alone, or null when {@link #recordAlone} did not run it. */
    List<Integer> tokensAlone(int[] prompt) {
        return alone.get(key(prompt));
    }

    /** One level: an untimed warm-up round of one request per client, then the timed round. */
    public Result level(int clients, int requests) throws Exception {
        Result warm = round(clients, 1);
        Result timed = round(clients, requests);
        List<String> examples = new ArrayList<>(warm.examples());
        examples.addAll(timed.examples());
        return new Result(clients, timed.tokens(), timed.wallNanos(), timed.requests(), timed.ttft(), timed.gaps(),
                warm.checked() + timed.checked(), warm.mismatches() + timed.mismatches(),
                examples.subList(0, Math.min(EXAMPLES, examples.size())));
    }

    /** One round: {@code clients} clients each send {@code requests} requests back to back. */
    public Result round(int clients, int requests) throws Exception {
        List<Long> ttft = Collections.synchronizedList(new ArrayList<>());
        List<Long> gaps = Collections.synchronizedList(new ArrayList<>());
        List<String> examples = Collections.synchronizedList(new ArrayList<>());
        long[] totals = new long[3];   // tokens, checked, mismatches
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> all = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                all.add(pool.submit(() -> {
                    for (int r = 0; r < requests; r++) {
                        int[] prompt = prompt(client, r, vocabSize);
                        List<Integer> got = generate(prompt, ttft, gaps);
                        List<Integer> expected = alone.get(key(prompt));
                        boolean differs = expected != null && !expected.equals(got);
                        if (differs && examples.size() < EXAMPLES) {
                            examples.add(String.format(Locale.ROOT, "concurrency %d, client %d, request %d, prompt"
                                    + " %s: alone %s, here %s", clients, client, r, Arrays.toString(prompt),
                                    expected, got));
                        }
                        synchronized (totals) {
                            totals[0] += got.size();
                            totals[1] += expected != null ? 1 : 0;
                            totals[2] += differs ? 1 : 0;
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
        }
        return new Result(clients, totals[0], System.nanoTime() - start, clients * requests, ttft, gaps,
                (int) totals[1], (int) totals[2], examples);
    }

    /**
     * Submits one greedy request and waits for its end; adds its time to first token and token gaps to the lists
     * where they are not null.
     */
    private List<Integer> generate(int[] prompt, List<Long> ttft, List<Long> gaps) throws Exception {
        List<Integer> generated = new ArrayList<>();
        long submitted = System.nanoTime();
        long[] last = {0};
        CompletableFuture<FinishReason> done = new CompletableFuture<>();
        scheduler.submit(prompt, GenerationSettings.greedy(tokens), new SequenceListener() {
            @Override
            public void onToken(int token) {
                long now = System.nanoTime();
                if (ttft != null) {
                    if (last[0] == 0) {
                        ttft.add(now - submitted);
                    } else {
                        gaps.add(now - last[0]);
                    }
                }
                last[0] = now;
                generated.add(token);
            }

            @Override
            public void onEnd(FinishReason reason, Throwable error) {
                if (error != null) {
                    done.completeExceptionally(error);
                } else {
                    done.complete(reason);
                }
            }
        });
        FinishReason reason = done.get();   // completing the future publishes the listener's writes to this thread
        if (reason != FinishReason.LENGTH && reason != FinishReason.STOP) {
            throw new IllegalStateException("a request ended with " + reason);
        }
        return generated;
    }

    private static List<Integer> key(int[] prompt) {
        return Arrays.stream(prompt).boxed().toList();
    }

    /** "median / p90 / p99" of {@code nanos} in milliseconds, or "-" when there are none. */
    public static String percentiles(List<Long> nanos) {
        if (nanos.isEmpty()) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.1f / %.1f / %.1f", quantileMillis(nanos, 0.5),
                quantileMillis(nanos, 0.9), quantileMillis(nanos, 0.99));
    }

    /** The nearest-rank quantile {@code q} of {@code nanos} in milliseconds, NaN when there are none. */
    static double quantileMillis(List<Long> nanos, double q) {
        if (nanos.isEmpty()) {
            return Double.NaN;
        }
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        int i = (int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)));
        return sorted[i] / 1e6;
    }

    /** The markdown table's header, both serving benchmarks print it. */
    public static String tableHeader() {
        return "| model | concurrency | tokens/s (aggregate) | TTFT median / p90 / p99 (ms) "
                + "| per-token latency median / p90 / p99 (ms) | requests | wall (s) |\n|---|---|---|---|---|---|---|";
    }

    /** One level's row of the table. */
    public static String tableRow(String model, Result r) {
        return String.format(Locale.ROOT, "| %s | %d | %.1f | %s | %s | %d | %.2f |", model, r.clients(),
                r.tokensPerSecond(), percentiles(r.ttft()), percentiles(r.gaps()), r.requests(), r.wallSeconds());
    }
}
