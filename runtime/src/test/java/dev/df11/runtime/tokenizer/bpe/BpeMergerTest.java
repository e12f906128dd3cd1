package dev.df11.runtime.tokenizer.bpe;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BpeMergerTest {

    /** The textbook algorithm the priority queue must reproduce: rescan every pair, merge the cheapest, leftmost. */
    private static int[] naiveMerge(int[] symbols, MergeTable rules) {
        List<Integer> seq = new ArrayList<>();
        for (int s : symbols) {
            seq.add(s);
        }
        while (true) {
            int best = -1;
            double bestCost = Double.POSITIVE_INFINITY;
            for (int i = 0; i + 1 < seq.size(); i++) {
                int slot = rules.find(seq.get(i), seq.get(i + 1));
                if (slot >= 0 && rules.cost(slot) < bestCost) {
                    bestCost = rules.cost(slot);
                    best = i;
                }
            }
            if (best < 0) {
                return seq.stream().mapToInt(Integer::intValue).toArray();
            }
            int slot = rules.find(seq.get(best), seq.get(best + 1));
            seq.set(best, rules.result(slot));
            seq.remove(best + 1);
        }
    }

    /**
     * Random rule sets over a small alphabet, with many equal costs so that the leftmost-first tie-break matters.
     * Results are fresh ids, so merges build longer pieces as real vocabularies do.
     */
    @Property(tries = 300)
    void matchesTheNaiveAlgorithm(@ForAll long seed, @ForAll @IntRange(min = 0, max = 60) int length,
                                  @ForAll @IntRange(min = 1, max = 5) int alphabet) {
        var random = new Random(seed);
        var rules = new MergeTable(4);
        int nextId = alphabet;
        for (int r = 0; r < 40; r++) {
            int left = random.nextInt(nextId);
            int right = random.nextInt(nextId);
            rules.put(left, right, random.nextInt(6), nextId++);
        }
        int[] symbols = new int[length];
        for (int i = 0; i < length; i++) {
            symbols[i] = random.nextInt(alphabet);
        }
        int[] expected = naiveMerge(symbols.clone(), rules);
        var out = new IntList();
        BpeMerger.merge(symbols.clone(), length, rules, out);
        assertArrayEquals(expected, out.toArray());
    }

    @Test
    void equalCostMergesGoLeftToRight() {
        var rules = new MergeTable(4);
        rules.put(0, 0, 1, 1); // a a -> aa
        var out = new IntList();
        BpeMerger.merge(new int[] {0, 0, 0}, 3, rules, out);
        assertArrayEquals(new int[] {1, 0}, out.toArray()); // (aa)a, not a(aa)
    }

    @Test
    void rejectsACountBeyondTheArray() {
        assertThrows(IllegalArgumentException.class,
                () -> BpeMerger.merge(new int[2], 3, new MergeTable(1), new IntList()));
    }

    @Property(tries = 50)
    void mergeTableKeepsEveryRuleThroughGrowth(@ForAll @Size(max = 3000) List<@IntRange(max = 100_000) Integer> ids) {
        var table = new MergeTable(1);
        for (int i = 0; i + 1 < ids.size(); i += 2) {
            table.put(ids.get(i), ids.get(i + 1), i, i);
        }
        for (int i = 0; i + 1 < ids.size(); i += 2) {
            int slot = table.find(ids.get(i), ids.get(i + 1));
            // A repeated pair keeps the cheaper (earlier) rule.
            assertEquals(firstIndexOfPair(ids, ids.get(i), ids.get(i + 1)), table.result(slot));
        }
    }

    private static int firstIndexOfPair(List<Integer> ids, int left, int right) {
        for (int i = 0; i + 1 < ids.size(); i += 2) {
            if (ids.get(i) == left && ids.get(i + 1) == right) {
                return i;
            }
        }
        throw new AssertionError();
    }

    @Test
    void mergeTableRejectsNegativeIds() {
        assertThrows(IllegalArgumentException.class, () -> new MergeTable(1).put(-1, 0, 0, 1));
    }

    @Test
    void byteTokenNamesRoundTrip() {
        for (int b = 0; b < 256; b++) {
            assertEquals(b, ByteTokens.parse(ByteTokens.name(b)));
        }
        assertEquals(0xAB, ByteTokens.parse("<0xab>"));
        assertEquals(-1, ByteTokens.parse("<0xG0>"));
        assertEquals(-1, ByteTokens.parse("<0x0A"));
        assertEquals(-1, ByteTokens.parse("0x0A"));
    }
}
