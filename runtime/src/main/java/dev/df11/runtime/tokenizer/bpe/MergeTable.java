package dev.df11.runtime.tokenizer.bpe;

import java.util.Arrays;

/**
 * The BPE merge rules: for a pair of adjacent token ids, the id they merge into and the merge's cost (lower merges
 * first). An open-addressing hash table on primitive keys, so that a 280,000-rule vocabulary (Llama 3) costs a few
 * megabytes and each lookup no allocation.
 */
public final class MergeTable {

    private static final long EMPTY = -1L; // no pair of non-negative ids packs to -1

    private long[] keys;
    private int[] results;
    private double[] costs;
    private int size;

    public MergeTable(int expectedRules) {
        int capacity = Integer.highestOneBit(Math.max(16, expectedRules * 2 - 1)) << 1;
        allocate(capacity);
    }

    /**
     * Adds the rule {@code left + right -> result}; when the pair already has a rule, the cheaper one stays.
     *
     * @throws IllegalArgumentException for a negative id
     */
    public void put(int left, int right, double cost, int result) {
        if (left < 0 || right < 0 || result < 0) {
            throw new IllegalArgumentException("negative token id in merge " + left + " + " + right + " -> " + result);
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        long key = pack(left, right);
        int slot = probe(key);
        if (keys[slot] == EMPTY) {
            keys[slot] = key;
            results[slot] = result;
            costs[slot] = cost;
            size++;
        } else if (cost < costs[slot]) {
            results[slot] = result;
            costs[slot] = cost;
        }
    }

    /** The slot of the rule for {@code (left, right)}, or -1 when the pair does not merge. */
    public int find(int left, int right) {
        int slot = probe(pack(left, right));
        return keys[slot] == EMPTY ? -1 : slot;
    }

    /** The merged id of the rule in {@code slot} (from {@link #find}). */
    public int result(int slot) {
        return results[slot];
    }

    /** The cost of the rule in {@code slot} (from {@link #find}): lower merges first. */
    public double cost(int slot) {
        return costs[slot];
    }

    /** Number of rules. */
    public int size() {
        return size;
    }

    private static long pack(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFF_FFFFL);
    }

    private int probe(long key) {
        int mask = keys.length - 1;
        int slot = (int) mix(key) & mask;
        while (keys[slot] != EMPTY && keys[slot] != key) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    /** The 64-bit finalizer of MurmurHash3: spreads sequential ids over the table. */
    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        Arrays.fill(keys, EMPTY);
        results = new int[capacity];
        costs = new double[capacity];
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldResults = results;
        double[] oldCosts = costs;
        allocate(oldKeys.length * 2);
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                int slot = probe(oldKeys[i]);
                keys[slot] = oldKeys[i];
                results[slot] = oldResults[i];
                costs[slot] = oldCosts[i];
            }
        }
    }
}
