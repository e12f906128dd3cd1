package dev.df11.cli;

import java.math.BigDecimal;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A whole number for count and size options, also in scientific notation ({@code 2e9}, {@code 5E9}), so that such a
 * value gets a range check naming the option instead of a parse error or an overflow.
 */
final class WholeNumberConverter implements ITypeConverter<Long> {

    @Override
    public Long convert(String value) {
        BigDecimal number;
        try {
            number = new BigDecimal(value.strip().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a number");
        }
        if (number.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new TypeConversionException("'" + value + "' is far too large");
        }
        try {
            return number.longValueExact();
        } catch (ArithmeticException e) {
            throw new TypeConversionException("'" + value + "' is not a whole number");
        }
    }
}
