package dev.df11.runtime.inference;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from logits: greedy (the first maximum) at temperature 0, otherwise a draw from
 * {@code softmax(logits / temperature)} restricted to the {@code topK} most likely tokens (0: no limit) and, among
 * those, to the smallest set of most likely tokens whose probability reaches {@code topP} (as transformers applies
 * {@code top_k} before {@code top_p}). Draws come from a seeded generator, so a seed reproduces a run.
 */
public final class Sampler {

    private final float temperature;
    private final float topP;
    private final int topK;
    private final SplittableRandom random;

    public Sampler(float temperature, float topP, long seed) {
        this(temperature, topP, 0, seed);
    }

    public Sampler(float temperature, float topP, int topK, long seed) {
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top-k must be >= 0 (0: no limit), got " + topK);
        }
        this.temperature = temperature;
        this.topP = topP;
        this.topK = topK;
        this.random = new SplittableRandom(seed);
    }

    public static Sampler greedy() {
        return new Sampler(0, 1, 0);
    }

    public int sample(float[] logits) {
        return temperature == 0 ? argmax(logits) : draw(logits);
    }

    /** Index of the first largest logit. */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    private int draw(float[] logits) {
        int n = logits.length;
        double max = logits[argmax(logits)];
        double[] p = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            p[i] = StrictMath.exp((logits[i] - max) / temperature);
            sum += p[i];
        }
        if (topK > 0 && topK < n) {
            return topK(p);
        }
        if (topP >= 1) {
            return pick(p, identity(n), n, sum);
        }
        // A token below (1 - topP) / (n - 1) of the mass can never be in the nucleus: skip sorting those.
        double floor = (1 - topP) / (n - 1) * sum;
        int candidates = 0;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            if (p[i] >= floor) {
                order[candidates++] = i;
            }
        }
        // By falling probability, ties by id, so the order is deterministic.
        Arrays.sort(order, 0, candidates, (a, b) -> p[a] != p[b] ? Double.compare(p[b], p[a]) : Integer.compare(a, b));
        double cutoff = topP * sum;
        double kept = 0;
        int keep = 0;
        while (keep < candidates && (keep == 0 || kept < cutoff)) {
            kept += p[order[keep++]];
        }
        return pick(p, order, keep, kept);
    }

    /** The {@code topK} most likely tokens (ties by id), then the nucleus of their renormalized distribution. */
    private int topK(double[] p) {
        Integer[] order = identity(p.length);
        Arrays.sort(order, (a, b) -> p[a] != p[b] ? Double.compare(p[b], p[a]) : Integer.compare(a, b));
        double sumK = 0;
        for (int i = 0; i < topK; i++) {
            sumK += p[order[i]];
        }
        double cutoff = topP * sumK;
        double kept = 0;
        int keep = 0;
        while (keep < topK && (keep == 0 || topP >= 1 || kept < cutoff)) {
            kept += p[order[keep++]];
        }
        return pick(p, order, keep, kept);
    }

    private static Integer[] identity(int n) {
        Integer[] ids = new Integer[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i;
        }
        return ids;
    }

    /** Draws one of {@code ids[0..count)} with probability proportional to p, whose sum over them is {@code total}. */
    private int pick(double[] p, Integer[] ids, int count, double total) {
        double target = random.nextDouble() * total;
        double cumulative = 0;
        for (int i = 0; i < count; i++) {
            cumulative += p[ids[i]];
            if (target < cumulative) {
                return ids[i];
            }
        }
        return ids[count - 1];
    }
}
