package dev.df11.lab.decode;

import dev.df11.tornado.decode.DecodeKernels;
import dev.df11.format.codec.Df11FormatException;
import dev.df11.format.codec.Df11Layout;
import dev.df11.format.codec.Df11Unit;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.lang.foreign.MemorySegment;

/**
 * One DF11 unit's raw arrays as TornadoVM off-heap arrays, as the lab's early kernels (v1, v2, v3b, v3c) read them,
 * plus the scalar sizes the kernels take and the unit itself (from which the packed inputs of the later versions are
 * made). The product keeps no such copy: its {@code CompressedUnit} holds only the kernel-ready arrays. Built only from a unit that passed {@link Df11Unit#validate}: the kernels trust the table structure
 * and the positions, and bound every other read themselves.
 *
 * <p>TornadoVM arrays are indexed by {@code int}, so a unit is limited to {@code 2^31 - 1} elements (4 GiB of BF16
 * output), which is larger than any single unit of the models we target.
 *
 * @param unit            the unit, validated
 * @param name            the unit's name, for messages
 * @param luts            the lookup tables and the code-length row, {@code lutRows * 256} bytes
 * @param codes           the exponent bitstream
 * @param signMantissa    one byte per element
 * @param outputPositions {@code blocks + 1} positions (uint32, all below 2^31 here)
 * @param gaps            5-bit gaps, MSB-first
 * @param lutRows         tables + 1
 * @param codeBytes       bytes of the stream (the array may hold one padding byte more)
 * @param gapBytes        bytes of the gaps (likewise)
 * @param elements        number of BF16 elements
 * @param blocks          number of 4096-byte blocks, i.e. work-groups
 */
public record LadderUnit(Df11Unit unit, String name, ByteArray luts, ByteArray codes, ByteArray signMantissa,
        IntArray outputPositions, ByteArray gaps, int lutRows, int codeBytes, int gapBytes, int elements,
        int blocks) {

    /**
     * Validates {@code unit} on the host and copies its arrays off-heap.
     *
     * @param source where the unit was read from (a file), for messages; may be null
     * @throws Df11FormatException when the unit breaks the format or is too large for one device array
     */
    public static LadderUnit of(Df11Unit unit, String source) {
        unit.validate(source);
        long n = unit.elementCount();
        long streamBytes = unit.encodedExponent().byteSize();
        if (n > Integer.MAX_VALUE || streamBytes > Integer.MAX_VALUE - Df11Layout.BYTES_PER_BLOCK
                || unit.gaps().byteSize() > Integer.MAX_VALUE) {
            throw new Df11FormatException(unit.name(), source, n + " elements (" + streamBytes + " stream bytes) are"
                    + " too many for one TornadoVM array; the GPU decoder takes units below 2^31 elements", null);
        }
        int lutRows = (int) (unit.luts().byteSize() / DecodeKernels.ROW);
        return new LadderUnit(unit, unit.name(), copy(unit.luts()), copy(unit.encodedExponent()),
                copy(unit.signMantissa()), IntArray.fromSegment(unit.outputPositions()), copy(unit.gaps()), lutRows,
                (int) streamBytes, (int) unit.gaps().byteSize(), (int) n, unit.blockCount());
    }

    /** Bytes of compressed data this unit moves to the device (what a compression ratio counts). */
    public long compressedBytes() {
        return (long) lutRows * DecodeKernels.ROW + codeBytes + elements + 4L * (blocks + 1) + gapBytes;
    }

    /** An off-heap copy; TornadoVM cannot allocate an empty array, so an empty segment becomes one zero byte. */
    private static ByteArray copy(MemorySegment segment) {
        return segment.byteSize() == 0 ? new ByteArray(1) : ByteArray.fromSegment(segment);
    }
}
