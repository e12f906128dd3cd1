package dev.df11.format.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/** The BF16 matrices of a unit seen as one sequence of elements, indexed across matrix boundaries. */
final class ElementSource {

    /** Receives consecutive runs {@code [from, to)} of one matrix; {@code globalFrom} is the unit index of {@code from}. */
    interface RangeConsumer {
        void accept(MemorySegment matrix, long from, long to, long globalFrom);
    }

    private final List<MemorySegment> matrices;
    private final long[] starts; // starts[m] = global index of matrix m's first element; starts[m+1] = end

    ElementSource(String unitName, List<MemorySegment> matrices) {
        if (matrices.isEmpty()) {
            throw new IllegalArgumentException("unit '" + unitName + "' has no matrices");
        }
        this.matrices = List.copyOf(matrices);
        this.starts = new long[matrices.size() + 1];
        for (int m = 0; m < matrices.size(); m++) {
            long bytes = matrices.get(m).byteSize();
            if ((bytes & 1) != 0) {
                throw new IllegalArgumentException("unit '" + unitName + "' matrix " + m + " has an odd byte size ("
                        + bytes + "), not BF16");
            }
            starts[m + 1] = starts[m] + bytes / 2;
        }
    }

    long size() {
        return starts[starts.length - 1];
    }

    List<MemorySegment> matrices() {
        return matrices;
    }

    /** Global index of the first element of each matrix after the first. */
    long[] splitPositions() {
        long[] split = new long[matrices.size() - 1];
        System.arraycopy(starts, 1, split, 0, split.length);
        return split;
    }

    short get(long index) {
        int m = matrixOf(index);
        return matrices.get(m).get(ValueLayout.JAVA_SHORT_UNALIGNED, 2 * (index - starts[m]));
    }

    /** Calls {@code consumer} for the pieces of {@code [from, to)} that lie in each matrix, in order. */
    void forEachRange(long from, long to, RangeConsumer consumer) {
        if (from >= to) {
            return;
        }
        int m = matrixOf(from);
        long at = from;
        while (at < to) {
            while (starts[m + 1] <= at) {
                m++;
            }
            long end = Math.min(to, starts[m + 1]);
            consumer.accept(matrices.get(m), at - starts[m], end - starts[m], at);
            at = end;
        }
    }

    private int matrixOf(long index) {
        int lo = 0;
        int hi = matrices.size() - 1;
        while (lo < hi) { // last matrix whose start <= index (skipping empty ones via starts[m+1] > index)
            int mid = (lo + hi + 1) >>> 1;
            if (starts[mid] <= index) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        while (lo < matrices.size() - 1 && starts[lo + 1] <= index) {
            lo++;
        }
        return lo;
    }
}
