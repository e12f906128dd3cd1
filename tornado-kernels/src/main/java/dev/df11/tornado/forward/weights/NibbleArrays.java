package dev.df11.tornado.forward.weights;

import dev.df11.format.codec.Df11Unit;
import dev.df11.format.codec.Df11UnitDecoder;
import dev.df11.tornado.api.ArrayAllocator;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The host arrays of one DF11 unit in the nibble layout ({@link NibbleLayout}), as the kernels read them.
 *
 * @param census       how the unit's exponents fell: its codes and escapes
 * @param codes        4-bit codes, eight per int
 * @param signMantissa the unit's sign/mantissa bytes, four per int
 * @param escapes      the segment directory, then the escape entries
 * @param scales       the BF16 scale table, then the unit's 32 code scales
 */
public record NibbleArrays(NibbleLayout.Census census, IntArray codes, IntArray signMantissa, IntArray escapes,
        FloatArray scales) {

    /** Zero-filled arrays for the layout {@code census} describes, from {@code allocator}. */
    public static NibbleArrays allocate(NibbleLayout.Census census, ArrayAllocator allocator) {
        return new NibbleArrays(census, allocator.ints(NibbleLayout.codeInts(census.elements())),
                allocator.ints(NibbleLayout.signMantissaInts(census.elements())),
                allocator.ints(census.escapeInts()), allocator.floats(NibbleLayout.SCALES));
    }

    /** {@code unit}'s layout in TornadoVM's own arrays: census, then fill (two host decodes of the unit). */
    public static NibbleArrays of(Df11Unit unit, Df11UnitDecoder decoder) {
        NibbleArrays arrays = allocate(NibbleLayout.census(unit, decoder), ArrayAllocator.TORNADO);
        arrays.fill(unit, decoder);
        return arrays;
    }

    /** Writes the layout of {@code unit} (the unit {@link #census} counted) into these arrays. */
    public void fill(Df11Unit unit, Df11UnitDecoder decoder) {
        NibbleLayout.fill(unit, census, decoder, codes, signMantissa, escapes, scales);
    }

    /** Bytes of the four arrays (TornadoVM's array headers included). */
    public long bytes() {
        return codes.getNumBytesOfSegment() + signMantissa.getNumBytesOfSegment() + escapes.getNumBytesOfSegment()
                + scales.getNumBytesOfSegment();
    }
}
