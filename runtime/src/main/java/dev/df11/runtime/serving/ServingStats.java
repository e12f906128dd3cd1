package dev.df11.runtime.serving;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * The scheduler's counters, as Prometheus metrics (prometheus-metrics-core, in a registry of its own): queue length,
 * running sequences, KV cache bytes in use and budget, generated tokens and their rate over the last 10 seconds,
 * time to first token, step durations and rows, finished sequences by reason.
 */
public final class ServingStats {

    private static final long RATE_WINDOW_NANOS = 10_000_000_000L;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter tokens = Counter.builder().name("df11_generated_tokens_total")
            .help("Tokens generated, all sequences").register(registry);
    private final Counter finished = Counter.builder().name("df11_sequences_finished_total")
            .help("Sequences ended, by OpenAI finish_reason").labelNames("finish_reason").register(registry);
    private final Histogram timeToFirstToken = Histogram.builder().name("df11_time_to_first_token_seconds")
            .help("From a request's arrival in the queue to its first token").classicUpperBounds(
                    0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30).register(registry);
    private final Histogram stepSeconds = Histogram.builder().name("df11_step_seconds")
            .help("Duration of one batched forward step").classicUpperBounds(
                    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5).register(registry);
    private final Counter stepRows = Counter.builder().name("df11_step_rows_total")
            .help("Token rows run in forward steps (prompt and generated)").register(registry);
    private volatile int queued;
    private volatile int active;
    private volatile long kvBytes;
    private volatile long kvBudget;
    private final ArrayDeque<long[]> recent = new ArrayDeque<>();

    ServingStats() {
        GaugeWithCallback.builder().name("df11_queue_length").help("Requests waiting to join the batch")
                .callback(cb -> cb.call(queued)).register(registry);
        GaugeWithCallback.builder().name("df11_active_sequences").help("Sequences in the running batch")
                .callback(cb -> cb.call(active)).register(registry);
        GaugeWithCallback.builder().name("df11_kv_cache_bytes").help("Bytes of KV cache held by running sequences")
                .callback(cb -> cb.call(kvBytes)).register(registry);
        GaugeWithCallback.builder().name("df11_kv_cache_budget_bytes").help("KV cache budget computed at start")
                .callback(cb -> cb.call(kvBudget)).register(registry);
        GaugeWithCallback.builder().name("df11_tokens_per_second")
                .help("Generated tokens per second over the last 10 seconds, all sequences")
                .callback(cb -> cb.call(tokensPerSecond())).register(registry);
    }

    void budget(long bytes) {
        kvBudget = bytes;
    }

    void queued(int n) {
        queued = n;
    }

    void active(int n, long bytes) {
        active = n;
        kvBytes = bytes;
    }

    void step(int rows, int sampled, long nanos) {
        stepRows.inc(rows);
        stepSeconds.observe(nanos / 1e9);
    }

    void firstToken(long nanos) {
        timeToFirstToken.observe(nanos / 1e9);
    }

    void token() {
        tokens.inc();
        long now = System.nanoTime();
        synchronized (recent) {
            recent.addLast(new long[] {now});
            trim(now);
        }
    }

    void finished(FinishReason reason) {
        finished.labelValues(reason.wire()).inc();
    }

    /** Tokens generated in the last 10 seconds, per second. */
    public double tokensPerSecond() {
        synchronized (recent) {
            trim(System.nanoTime());
            return recent.size() / (RATE_WINDOW_NANOS / 1e9);
        }
    }

    private void trim(long now) {
        while (!recent.isEmpty() && now - recent.peekFirst()[0] > RATE_WINDOW_NANOS) {
            recent.removeFirst();
        }
    }

    /** The metrics in Prometheus' text format 0.0.4. */
    public String prometheusText() {
        var out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Content type of {@link #prometheusText}. */
    public static String contentType() {
        return PrometheusTextFormatWriter.create().getContentType();
    }
}
