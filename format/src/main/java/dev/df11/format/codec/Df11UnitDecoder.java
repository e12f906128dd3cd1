package dev.df11.format.codec;

import java.lang.foreign.MemorySegment;

/** Something that turns a DF11 unit back into BF16: the fast CPU decoder, the GPU-model decoder, a GPU backend. */
public interface Df11UnitDecoder {

    /**
     * Decodes every element of {@code unit} into {@code bf16Out} (little-endian BF16, at least {@code 2 * n} bytes).
     *
     * @throws Df11FormatException naming the unit when the unit is malformed or the output is too small
     */
    void decode(Df11Unit unit, MemorySegment bf16Out);

    /**
     * Decodes matrix {@code matrix} of {@code unit} (its elements {@code [matrixStart, matrixEnd)}) into
     * {@code bf16Out}, which must hold at least {@code 2 * (matrixEnd - matrixStart)} bytes.
     *
     * @throws Df11FormatException naming the unit when the unit is malformed or the output is too small
     */
    void decodeMatrix(Df11Unit unit, int matrix, MemorySegment bf16Out);
}
