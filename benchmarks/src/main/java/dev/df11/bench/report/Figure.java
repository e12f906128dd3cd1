package dev.df11.bench.report;

/**
 * One measured figure of the report: a median and its spread ({@code low .. high}, e.g. the slowest and fastest run,
 * or p10 and best), in {@code unit}, with the file it came from.
 *
 * @param suite   which section and chart it belongs to
 * @param backend where it ran (e.g. "TornadoVM PTX", "CPU, all cores", "CUDA (official DFloat11)")
 * @param subject what was measured (a kernel, a shape, a data set)
 * @param series  the variant inside a subject (a mode such as "df11-device", a codec, a batch size), or "" if none
 * @param median  the median
 * @param low     the low end of the spread (equal to the median when there is a single measurement)
 * @param high    the high end of the spread
 * @param unit    e.g. "GB/s", "tokens/s", "GiB"
 * @param x       the x value on a chart against a quantity (batch size, context length), else 0
 * @param source  the result file's name
 */
public record Figure(Suite suite, String backend, String subject, String series, double median, double low,
        double high, String unit, double x, String source) {

    /** The sections of the report; each has at most one chart. */
    public enum Suite {
        DECODE("Decode throughput by kernel and backend"),
        DECODE_CEILING("Device copy (the ceiling a decoder is measured against)"),
        MATVEC("Matrix-vector products"),
        GENERATION("Generation tokens/s by mode, backend and shape"),
        BATCH("Tokens/s against batch size"),
        MEMORY("Memory of each generation mode"),
        CONTEXT_MEMORY("Memory against context length"),
        CODEC_SIZE("Compressed size beside zstd"),
        CODEC_SPEED("Codec speed beside zstd"),
        OTHER("Other results");

        private final String title;

        Suite(String title) {
            this.title = title;
        }

        public String title() {
            return title;
        }
    }

    /** The key a later input file overrides an earlier one by. */
    String key() {
        return suite + "|" + backend + "|" + subject + "|" + series + "|" + x;
    }
}
