package dev.df11.format.codec;

/**
 * DF11 data that breaks the format: bad lookup tables, positions or gaps that disagree with the bitstream, a stream
 * that ends too early, an output buffer too small for the unit. The message names the unit (and the file, when the
 * caller knows it) and what is wrong, so that a user can tell which tensor of which file to look at.
 */
public class Df11FormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String unit;
    private final String problem;

    public Df11FormatException(String unit, String problem) {
        this(unit, null, problem, null);
    }

    public Df11FormatException(String unit, String problem, Throwable cause) {
        this(unit, null, problem, cause);
    }

    /**
     * @param unit    the unit at fault
     * @param source  where it was read from (a file), or null
     * @param problem what is wrong
     * @param cause   the underlying error, or null
     */
    public Df11FormatException(String unit, String source, String problem, Throwable cause) {
        super("DF11 unit '" + unit + "'" + (source == null ? "" : " in " + source) + ": " + problem, cause);
        this.unit = unit;
        this.problem = problem;
    }

    /** The name of the unit at fault. */
    public String unit() {
        return unit;
    }

    /** What is wrong, without the unit and source. */
    public String problem() {
        return problem;
    }
}
