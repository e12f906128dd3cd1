package dev.df11.format.codec;

import java.lang.foreign.MemorySegment;

/**
 * Something that turns a DF11 unit back into BF16: the fast CPU decoder, the GPU-model decoder, a GPU backend.
 * Implementations decode element ranges; a whole unit and one matrix are ranges too.
 */
public interface Df11UnitDecoder {

    /**
     * Decodes elements {@code [from, to)} of {@code unit} into {@code bf16Out} (little-endian BF16, element
     * {@code from} first, at least {@code 2 * (to - from)} bytes).
     *
     * @throws Df11FormatException       naming the unit when the unit is malformed or the output is too small
     * @throws IndexOutOfBoundsException when the range is not within the unit
     */
    void decodeRange(Df11Unit unit, long from, long to, MemorySegment bf16Out);

    /**
     * Decodes every element of {@code unit} into {@code bf16Out} (at least {@code 2 * n} bytes).
     *
     * @throws Df11FormatException naming the unit when the unit is malformed or the output is too small
     */
    default void decode(Df11Unit unit, MemorySegment bf16Out) {
        decodeRange(unit, 0, unit.elementCount(), bf16Out);
    }

    /**
     * Decodes matrix {@code matrix} of {@code unit} (its elements {@code [matrixStart, matrixEnd)}) into
     * {@code bf16Out}, which must hold at least {@code 2 * (matrixEnd - matrixStart)} bytes.
     *
     * @throws Df11FormatException naming the unit when the unit is malformed or the output is too small
     */
    default void decodeMatrix(Df11Unit unit, int matrix, MemorySegment bf16Out) {
        decodeRange(unit, unit.matrixStart(matrix), unit.matrixEnd(matrix), bf16Out);
    }
}
