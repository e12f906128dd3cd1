package dev.df11.format.model;

/**
 * What became of one unit during compression.
 *
 * @param storedBytes bytes written for it: its six arrays when encoded, its BF16 matrices when kept
 * @param keptReason  null when encoded; otherwise why it stays plain BF16
 */
public record UnitOutcome(String unit, int matrices, long elements, long storedBytes, String keptReason) {

    /** Whether the unit was DF11-encoded. */
    public boolean encoded() {
        return keptReason == null;
    }

    /** Its BF16 size. */
    public long bf16Bytes() {
        return 2 * elements;
    }
}
