package dev.df11.runtime.cpu;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ParallelLoopTest {

    @Test
    void everyIterationRunsExactlyOnce() {
        for (int threads : new int[] {1, 2, 3}) {
            try (ParallelLoop loop = new ParallelLoop(threads)) {
                for (int n : new int[] {0, 1, 7, 1000}) {
                    AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(n, 1));
                    loop.forEach(n, hits::incrementAndGet);
                    for (int i = 0; i < n; i++) {
                        assertEquals(1, hits.get(i), "threads " + threads + " n " + n + " i " + i);
                    }
                    AtomicIntegerArray ranged = new AtomicIntegerArray(Math.max(n, 1));
                    loop.forRanges(n, 3, (start, end) -> {
                        for (int i = start; i < end; i++) {
                            ranged.incrementAndGet(i);
                        }
                    });
                    for (int i = 0; i < n; i++) {
                        assertEquals(1, ranged.get(i));
                    }
                }
            }
        }
    }

    @Test
    void failuresReachTheCaller() {
        try (ParallelLoop loop = new ParallelLoop(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.forEach(100, i -> {
                if (i == 57) {
                    throw new IllegalStateException("iteration 57");
                }
            }));
            assertEquals("iteration 57", e.getMessage());
            // The pool still works afterwards.
            AtomicIntegerArray hits = new AtomicIntegerArray(10);
            loop.forEach(10, hits::incrementAndGet);
            assertEquals(1, hits.get(9));
        }
    }
}
