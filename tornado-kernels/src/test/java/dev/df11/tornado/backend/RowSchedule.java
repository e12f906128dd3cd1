package dev.df11.tornado.backend;

import dev.df11.runtime.backend.Backend;
import dev.df11.runtime.backend.SequenceBatching;
import dev.df11.runtime.backend.SequenceCache;
import dev.df11.runtime.weights.WeightStore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Drives a {@link SequenceBatching} backend through a fixed schedule of greedy sequences that join at given steps
 * and leave when they have generated their tokens, as the server's scheduler does (decoding rows first, then prompt
 * chunks with the rows left), keeping every sampled row's logits. Deterministic, so a sequence's logits can be
 * compared bit for bit with the same sequence run alone.
 */
final class RowSchedule {

    /** A greedy sequence: its prompt, how many tokens to generate, and the step at which it joins. */
    record Sequence(int[] prompt, int steps, int joinStep) {
    }

    /** What one sequence produced: its generated tokens and the logits each was sampled from. */
    record Result(int[] tokens, List<float[]> logits) {
    }

    private RowSchedule() {
    }

    /**
     * Runs {@code sequences} through {@code backend} with at most {@code rowsPerStep} rows a step; a sequence's cache
     * is released when it has generated its tokens.
     */
    static List<Result> run(SequenceBatching backend, WeightStore weights, List<Sequence> sequences, int rowsPerStep) {
        int n = sequences.size();
        SequenceCache[] caches = new SequenceCache[n];
        int[] promptDone = new int[n];
        int[] position = new int[n];
        int[] next = new int[n];
        Arrays.fill(next, -1);
        boolean[] finished = new boolean[n];
        List<List<Integer>> tokens = new ArrayList<>();
        List<List<float[]>> logits = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            tokens.add(new ArrayList<>());
            logits.add(new ArrayList<>());
        }
        int vocab = weights.config().vocabSize();
        for (int step = 0; ; step++) {
            for (int s = 0; s < n; s++) {
                if (sequences.get(s).joinStep() == step) {
                    caches[s] = backend.newSequenceCache(sequences.get(s).prompt().length
                            + sequences.get(s).steps());
                }
            }
            List<Integer> rowTokens = new ArrayList<>();
            List<SequenceCache> rowCaches = new ArrayList<>();
            List<Integer> rowPositions = new ArrayList<>();
            List<Integer> sampled = new ArrayList<>();
            List<Integer> logitRows = new ArrayList<>();
            for (int s = 0; s < n; s++) {
                if (caches[s] != null && next[s] >= 0) {
                    rowTokens.add(next[s]);
                    rowCaches.add(caches[s]);
                    rowPositions.add(position[s]++);
                    sampled.add(s);
                    logitRows.add(rowTokens.size() - 1);
                }
            }
            for (int s = 0; s < n; s++) {
                int[] prompt = sequences.get(s).prompt();
                if (caches[s] != null && next[s] < 0 && rowTokens.size() < rowsPerStep) {
                    int take = Math.min(rowsPerStep - rowTokens.size(), prompt.length - promptDone[s]);
                    for (int i = 0; i < take; i++) {
                        rowTokens.add(prompt[promptDone[s]++]);
                        rowCaches.add(caches[s]);
                        rowPositions.add(position[s]++);
                    }
                    if (promptDone[s] == prompt.length) {
                        sampled.add(s);
                        logitRows.add(rowTokens.size() - 1);
                    }
                }
            }
            if (rowTokens.isEmpty()) {
                if (allDone(finished)) {
                    break;
                }
                continue;   // nobody has joined yet
            }
            float[][] out = new float[sampled.size()][vocab];
            int[] ids = rowTokens.stream().mapToInt(Integer::intValue).toArray();
            backend.forwardRows(weights.embeddingRows(ids), ids.length, rowCaches.toArray(new SequenceCache[0]),
                    rowPositions.stream().mapToInt(Integer::intValue).toArray(),
                    logitRows.stream().mapToInt(Integer::intValue).toArray(), out);
            for (int j = 0; j < sampled.size(); j++) {
                int s = sampled.get(j);
                int token = argmax(out[j]);
                tokens.get(s).add(token);
                logits.get(s).add(out[j]);
                next[s] = token;
                if (tokens.get(s).size() == sequences.get(s).steps()) {
                    caches[s].release();
                    caches[s] = null;
                    next[s] = -1;
                    finished[s] = true;
                }
            }
        }
        List<Result> results = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            results.add(new Result(tokens.get(s).stream().mapToInt(Integer::intValue).toArray(), logits.get(s)));
        }
        return results;
    }

    /**
     * The same sequence through the plain single-sequence calls ({@code embed}, {@code block}, {@code finalNorm},
     * {@code logits}) in batches of {@code batch} prompt tokens: the path {@code df11 generate} takes.
     */
    static Result plain(Backend backend, WeightStore weights, int[] prompt, int steps, int batch) {
        int vocab = weights.config().vocabSize();
        int[] tokens = new int[steps];
        List<float[]> logits = new ArrayList<>();
        int position = 0;
        int[] pending = prompt;
        for (int i = 0; i < steps; i++) {
            for (int start = 0; start < pending.length; start += batch) {
                int[] chunk = Arrays.copyOfRange(pending, start, Math.min(pending.length, start + batch));
                backend.embed(weights.embeddingRows(chunk), chunk.length);
                for (int layer = 0; layer < weights.config().layerCount(); layer++) {
                    backend.block(layer, position);
                }
                position += chunk.length;
            }
            backend.finalNorm();
            float[] out = new float[vocab];
            backend.logits(out);
            logits.add(out);
            tokens[i] = argmax(out);
            pending = new int[] {tokens[i]};
        }
        return new Result(tokens, logits);
    }

    private static boolean allDone(boolean[] finished) {
        for (boolean f : finished) {
            if (!f) {
                return false;
            }
        }
        return true;
    }

    static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
