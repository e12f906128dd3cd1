package dev.df11.tornado.forward.weights;

import dev.df11.format.codec.Df11Unit;
import dev.df11.format.codec.Df11UnitDecoder;
import dev.df11.tornado.api.ArrayAllocator;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The host arrays of one DF11 unit in the nibble layout ({@link NibbleLayout}), as the kernels read them; the kernels'
 * table is the unit's {@link UnitTail#table()}.
 *
 * @param census       the unit's coded exponents
 * @param codes        4-bit codes, eight per int
 * @param signMantissa the unit's sign/mantissa bytes, four per int
 */
public record NibbleArrays(ExponentCensus census, IntArray codes, IntArray signMantissa) {

    /** Zero-filled arrays for the {@code elements} weights of a unit coded by {@code census}, from {@code allocator}. */
    public static NibbleArrays allocate(ExponentCensus census, long elements, ArrayAllocator allocator) {
        return new NibbleArrays(census, allocator.ints(NibbleLayout.codeInts(elements)),
                allocator.ints(NibbleLayout.signMantissaInts(elements)));
    }

    /** {@code unit}'s layout by {@code census} in TornadoVM's own arrays (one host decode of the unit). */
    public static NibbleArrays of(Df11Unit unit, ExponentCensus census, Df11UnitDecoder decoder) {
        NibbleArrays arrays = allocate(census, unit.elementCount(), ArrayAllocator.TORNADO);
        arrays.fill(unit, decoder);
        return arrays;
    }

    /** Writes the layout of {@code unit} into these arrays. */
    public void fill(Df11Unit unit, Df11UnitDecoder decoder) {
        NibbleLayout.fill(unit, census, decoder, codes, signMantissa);
    }

    /** Bytes of the two arrays (TornadoVM's array headers included). */
    public long bytes() {
        return codes.getNumBytesOfSegment() + signMantissa.getNumBytesOfSegment();
    }
}
