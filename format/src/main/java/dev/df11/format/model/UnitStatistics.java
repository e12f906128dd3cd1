package dev.df11.format.model;

/**
 * Compression figures of one unit.
 *
 * @param storedBytes     bytes of its six DF11 arrays (or of its BF16 matrices when it cannot be encoded)
 * @param entropyBits     Shannon entropy of its exponents, bits per weight: the floor for any exponent code
 * @param averageCodeBits mean Huffman code length actually used, bits per weight
 * @param maxCodeBits     longest code used
 * @param tables          decode tables (excluding the code-length row)
 * @param keptReason      null when encodable; otherwise why the unit stays BF16
 */
public record UnitStatistics(String unit, int matrices, long elements, long storedBytes, double entropyBits,
        double averageCodeBits, int maxCodeBits, int tables, String keptReason) {

    /** Its size in BF16. */
    public long bf16Bytes() {
        return 2 * elements;
    }

    /** Stored size as a fraction of BF16. */
    public double ratio() {
        return elements == 0 ? 0 : (double) storedBytes / bf16Bytes();
    }
}
