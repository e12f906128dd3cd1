package dev.df11.format.codec;

import java.lang.foreign.MemorySegment;

/**
 * The fast, multi-threaded CPU decoder, and the oracle that GPU kernels are checked against.
 *
 * <p>It relies only on what the layout promises (tables, the first gap of each block, output positions), so it reads
 * units from any correct encoder, the official one included (non-canonical codes, an end-of-stream symbol in the last
 * byte). Blocks are independent and are spread over {@code parallelism} threads; each decodes its exponents with a
 * wide multi-symbol table and merges them with the sign_mantissa bytes. The unit is validated first
 * ({@link Df11Unit#validate}) and each block checks its own codes as it goes (see {@link BlockDecoder}); nothing is
 * read out of bounds and every loop is bounded, so hostile input ends in a {@link Df11FormatException}.
 *
 * <p>Segments of a confined arena can only be touched by their owner thread; with such a segment the decoder works on
 * the caller's thread alone.
 */
public final class Df11Decoder implements Df11UnitDecoder {

    private static final int TASKS_PER_THREAD = 4;
    private static final ThreadLocal<BlockDecoder> SCRATCH = ThreadLocal.withInitial(BlockDecoder::new);

    private final Workers workers;

    /** A decoder that uses up to {@code parallelism} threads (1 = the caller's thread only). */
    public Df11Decoder(int parallelism) {
        this.workers = new Workers(parallelism);
    }

    @Override
    public void decodeRange(Df11Unit unit, long from, long to, MemorySegment bf16Out) {
        unit.checkStructure();
        if (from < 0 || to < from || to > unit.elementCount()) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") of unit '" + unit.name() + "' with "
                    + unit.elementCount() + " elements");
        }
        long needed = 2 * (to - from);
        if (bf16Out.byteSize() < needed) {
            throw unit.formatError("the output segment has " + bf16Out.byteSize()
                    + " bytes, decoding elements [" + from + ", " + to + ") needs " + needed);
        }
        if (from == to) {
            return;
        }
        PreparedTables prepared = PreparedTables.of(unit);
        int firstBlock = blockOf(unit, from);
        int lastBlock = blockOf(unit, to - 1);
        int blocks = lastBlock - firstBlock + 1;
        int tasks = Math.min(blocks, workers.parallelism() == 1 ? 1 : workers.parallelism() * TASKS_PER_THREAD);
        boolean shareable = Workers.shareable(bf16Out, unit.luts(), unit.encodedExponent(), unit.signMantissa(),
                unit.outputPositions(), unit.gaps());
        workers.forEach(tasks, shareable, t -> {
            int taskFirst = firstBlock + (int) ((long) blocks * t / tasks);
            int taskEnd = firstBlock + (int) ((long) blocks * (t + 1) / tasks);
            BlockDecoder decoder = SCRATCH.get();
            for (int b = taskFirst; b < taskEnd; b++) {
                decoder.decodeBlock(unit, prepared, b, from, to, bf16Out, from);
            }
        });
    }

    /** The block that holds element {@code index}: the last block whose first position is <= index and that is not empty. */
    private static int blockOf(Df11Unit unit, long index) {
        int lo = 0;
        int hi = unit.blockCount() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (unit.outputPosition(mid) <= index) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }
}
