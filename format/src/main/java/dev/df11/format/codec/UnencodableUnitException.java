package dev.df11.format.codec;

/**
 * Weights that the DF11 layout cannot express: an exponent of 240-255 (|x| >= 2^113, infinities, NaN), whose byte
 * values the lookup tables reserve for table pointers, or a code that would need more than
 * {@link Df11Layout#MAX_TABLES} lookup tables. Nothing is lost: a caller keeps such a unit as plain BF16.
 */
public class UnencodableUnitException extends Df11FormatException {

    private static final long serialVersionUID = 1L;

    public UnencodableUnitException(String unit, String problem) {
        super(unit, problem);
    }
}
