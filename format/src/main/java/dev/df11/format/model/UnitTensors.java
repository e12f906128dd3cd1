package dev.df11.format.model;

import java.util.List;

/**
 * Names of the six stored arrays of a DF11 unit: {@code <unit>.luts}, {@code .encoded_exponent},
 * {@code .sign_mantissa}, {@code .output_positions}, {@code .gaps}, {@code .split_positions}.
 */
public final class UnitTensors {

    public static final String LUTS = "luts";
    public static final String ENCODED_EXPONENT = "encoded_exponent";
    public static final String SIGN_MANTISSA = "sign_mantissa";
    public static final String OUTPUT_POSITIONS = "output_positions";
    public static final String GAPS = "gaps";
    public static final String SPLIT_POSITIONS = "split_positions";

    /** All six suffixes, in the order our writer adds them. */
    public static final List<String> SUFFIXES =
            List.of(LUTS, ENCODED_EXPONENT, SIGN_MANTISSA, OUTPUT_POSITIONS, GAPS, SPLIT_POSITIONS);

    private UnitTensors() { }

    /** {@code <unit>.<suffix>}. */
    public static String name(String unit, String suffix) {
        return unit + "." + suffix;
    }

    /** The unit a stored array belongs to, or null when {@code tensorName} is not a unit array. */
    public static String unitOf(String tensorName) {
        for (String s : SUFFIXES) {
            if (tensorName.endsWith("." + s)) {
                return tensorName.substring(0, tensorName.length() - s.length() - 1);
            }
        }
        return null;
    }
}
