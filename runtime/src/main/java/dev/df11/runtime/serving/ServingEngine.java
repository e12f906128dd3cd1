package dev.df11.runtime.serving;

import dev.df11.runtime.backend.Backend;
import dev.df11.runtime.backend.SequenceBatching;
import dev.df11.runtime.inference.Backends;
import dev.df11.runtime.inference.ForwardPass;
import dev.df11.runtime.weights.WeightStore;
import dev.df11.runtime.weights.WeightStores;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * What {@code df11 serve} generates with, without the HTTP side: a model folder's weights, the backend loaded with
 * them (sequence slots reserved for {@code maxBatch} where it has slots), the forward pass, the KV cache budget and
 * the {@link BatchScheduler}. {@link ModelServer} puts its HTTP server on one; the serving benchmarks drive one
 * directly, so they measure exactly what the server runs.
 *
 * @param forward   the forward pass (it owns the backend and the weights)
 * @param scheduler the continuous-batching scheduler over it
 * @param summary   one line on the KV budget and batch size, for the console
 */
public record ServingEngine(ForwardPass forward, BatchScheduler scheduler, String summary) implements AutoCloseable {

    /** Rows of one step at least (prompt chunks fill what decoding sequences leave). */
    static final int MIN_STEP_ROWS = 64;
    /** Share of the heap left after loading that running sequences' KV caches may take. */
    static final double KV_HEAP_SHARE = 0.5;

    /**
     * The choices of one engine.
     *
     * @param backend       backend name as {@code --backend} takes it ("cpu", "tornado")
     * @param device        its device ({@code --device}), or null for the default
     * @param decodeMode    DF11 decode mode of a backend that decodes on its device ({@code --decode-mode}), or null
     * @param kvBudgetBytes KV cache budget, or 0 to compute it: the fixed slots of a backend that has them, else at
     *                      most {@code maxBatch} full-context caches within half the heap left after loading
     */
    public record Options(Path model, String backend, String device, int threads, boolean prefetch,
                          String decodeMode, int context, int maxBatch, int maxQueue, long kvBudgetBytes) {
    }

    /** Opens the weights, loads the backend and starts the scheduler; on failure releases what it made. */
    public static ServingEngine open(Options o) throws IOException {
        return open(o, () -> Backends.create(o.backend(), o.threads(), o.device(), o.prefetch(), o.decodeMode()));
    }

    /**
     * As {@link #open(Options)}, with the backend made by {@code backendFactory} instead of from {@code o}'s backend,
     * device and decode mode: for a caller that configures it beyond what the options say (a benchmark that
     * profiles its kernels, say). The engine owns and closes the backend.
     */
    public static ServingEngine open(Options o, Supplier<Backend> backendFactory) throws IOException {
        WeightStore weights = WeightStores.open(o.model(), new WeightStores.Df11Options(o.threads()));
        ForwardPass forward;
        try {
            Backend backend = backendFactory.get();
            if (backend instanceof SequenceBatching batching) {
                batching.reserveSequences(o.maxBatch());
            }
            int rows = backend instanceof SequenceBatching ? Math.max(o.maxBatch(), MIN_STEP_ROWS)
                    : Math.min(MIN_STEP_ROWS, o.context());
            forward = new ForwardPass(backend, weights, o.context(), rows);
        } catch (RuntimeException | Error e) {
            weights.close();
            throw e;
        }
        try {
            forward.warmUp();   // before the server takes requests: the first client does not pay for it
        } catch (RuntimeException | Error e) {
            forward.close();
            throw e;
        }
        try {
            Backend backend = forward.backend();
            long budget = o.kvBudgetBytes();
            String summary;
            if (backend instanceof SequenceBatching batching) {
                long full = batching.sequenceCacheBytes(o.context());
                boolean slots = batching.maxSequences() != Integer.MAX_VALUE;
                if (budget == 0 && slots) {
                    // Fixed slots were allocated (on the device) at load: the budget is what they hold.
                    budget = batching.maxSequences() * full;
                } else if (budget == 0) {
                    System.gc();
                    Runtime rt = Runtime.getRuntime();
                    long headroom = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
                    budget = Math.min((long) o.maxBatch() * full, (long) (headroom * KV_HEAP_SHARE));
                }
                if (budget < full) {
                    throw new IllegalArgumentException("the KV cache of one sequence of the whole context ("
                            + o.context() + " tokens) takes " + full + " bytes, more than the budget of " + budget
                            + " bytes (half the heap left after loading): give a smaller --context, or more heap "
                            + "(DF11_HEAP=16g scripts/df11 serve ...)");
                }
                summary = String.format("KV cache budget: %.1f MiB = %.1f sequences of the full context (%d tokens, "
                                + "%.1f KiB per token); up to %d sequences per step (--max-batch), %d rows per step",
                        budget / 1048576.0, (double) budget / full, o.context(),
                        full / (double) o.context() / 1024.0, o.maxBatch(), batching.maxRows())
                        + (slots ? String.format("; backend %s holds %d sequence slots%s", backend.name(),
                        batching.maxSequences(), batching.maxSequences() < o.maxBatch()
                                ? " (fewer than --max-batch: no more fit its memory)" : "") : "");
            } else {
                budget = Long.MAX_VALUE;
                summary = "backend " + backend.name() + " holds one KV cache: sequences are served one after another"
                        + " (batch size 1; --max-batch does not apply)";
            }
            BatchScheduler scheduler = new BatchScheduler(forward.weights(), backend, forward, o.context(),
                    o.maxBatch(), o.maxQueue(), budget);
            return new ServingEngine(forward, scheduler, summary);
        } catch (RuntimeException | Error e) {
            forward.close();
            throw e;
        }
    }

    /** Stops the scheduler (running sequences end at once), then releases the backend and the weights. */
    @Override
    public void close() {
        try {
            scheduler.close();
        } finally {
            forward.close();
        }
    }
}
