package dev.df11.runtime.tokenizer.bpe;

import java.util.PriorityQueue;

/**
 * Applies BPE merge rules to a sequence of symbols: repeatedly merge the adjacent pair whose rule is cheapest, the
 * leftmost one among equals, until no adjacent pair has a rule. This is both llama2.c's rule (highest-scoring merged
 * piece first, cost = -score) and Hugging Face's (lowest merge rank first, cost = rank).
 *
 * <p>The symbols form a linked list and the candidate pairs a priority queue, so a text of n symbols costs
 * O(n log n) instead of the O(n^2) of rescanning every pair after each merge. A queued pair goes stale when one of
 * its symbols merges with a neighbour; it is recognised and skipped when it comes out of the queue.
 */
public final class BpeMerger {

    private BpeMerger() {
    }

    /** A candidate merge of the symbols at positions {@code left} and {@code right} (ids as when it was queued). */
    private record Candidate(double cost, int left, int right, int leftId, int rightId, int merged) {
    }

    /**
     * Merges {@code symbols[0, count)} (token ids; the array is overwritten) and appends the resulting ids to
     * {@code out}.
     */
    public static void merge(int[] symbols, int count, MergeTable rules, IntList out) {
        if (count < 0 || count > symbols.length) {
            throw new IllegalArgumentException("count " + count + " outside [0, " + symbols.length + "]");
        }
        if (count < 2) {
            for (int i = 0; i < count; i++) {
                out.add(symbols[i]);
            }
            return;
        }
        int[] ids = symbols;
        int[] next = new int[count];
        int[] prev = new int[count];
        for (int i = 0; i < count; i++) {
            next[i] = i + 1 < count ? i + 1 : -1;
            prev[i] = i - 1;
        }
        var queue = new PriorityQueue<Candidate>(count, (a, b) -> a.cost != b.cost
                ? Double.compare(a.cost, b.cost)
                : Integer.compare(a.left, b.left));
        for (int i = 0; i + 1 < count; i++) {
            offer(queue, rules, ids, i, i + 1);
        }
        while (!queue.isEmpty()) {
            Candidate c = queue.poll();
            // Stale when either side has merged since: a merge always changes the left id (to a longer piece)
            // and marks the right position dead, and ids never revert.
            if (ids[c.left] != c.leftId || next[c.left] != c.right || ids[c.right] != c.rightId) {
                continue;
            }
            ids[c.left] = c.merged;
            ids[c.right] = -1;
            int after = next[c.right];
            next[c.left] = after;
            if (after >= 0) {
                prev[after] = c.left;
                offer(queue, rules, ids, c.left, after);
            }
            if (prev[c.left] >= 0) {
                offer(queue, rules, ids, prev[c.left], c.left);
            }
        }
        for (int i = 0; i >= 0; i = next[i]) {
            out.add(ids[i]);
        }
    }

    private static void offer(PriorityQueue<Candidate> queue, MergeTable rules, int[] ids, int left, int right) {
        int slot = rules.find(ids[left], ids[right]);
        if (slot >= 0) {
            queue.add(new Candidate(rules.cost(slot), left, right, ids[left], ids[right], rules.result(slot)));
        }
    }
}
