package dev.df11.lab.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one benchmark run measured: the tensor, the device, and per kernel the kernel-time and wall-time statistics.
 * Printed as a table; written as JSON ({@code .json}) or CSV (any other name).
 */
public final class BenchmarkReport {

    /** One measured kernel. {@code bytesCounted} is what its GB/s divide by (BF16 output, or read + write). */
    public record Row(String kernel, String description, long bytesCounted, Timings kernelTime, Timings wallTime,
            String check) {
    }

    private final Map<String, Object> context = new LinkedHashMap<>();
    private final List<Row> rows = new ArrayList<>();

    /** Adds a fact about the run (device, sizes, ratio), kept in insertion order. */
    public void put(String key, Object value) {
        context.put(key, value);
    }

    /** Adds a measured kernel. */
    public void add(Row row) {
        rows.add(row);
    }

    /** The table a person reads. */
    public void print(PrintStream out) {
        context.forEach((k, v) -> out.printf(Locale.ROOT, "%-22s %s%n", k, v));
        out.println();
        out.printf(Locale.ROOT, "%-12s %12s %12s %12s %12s %12s %10s  %s%n", "kernel", "median ms", "GB/s med",
                "GB/s best", "GB/s p10", "wall GB/s", "reps", "check");
        for (Row r : rows) {
            out.println(line(r));
        }
        out.println();
        out.println("GB/s: decode kernels count BF16 output bytes; the copy baseline counts bytes read + written.");
        out.println("p10 is the 10th-percentile throughput (90th-percentile time); wall = around a synchronous"
                + " execute().");
    }

    /** A row as the table prints it. */
    public static String line(Row r) {
        return String.format(Locale.ROOT, "%-12s %12.4f %12.1f %12.1f %12.1f %12.1f %10d  %s", r.kernel(),
                r.kernelTime().median() / 1e6, gb(r, r.kernelTime().median()), gb(r, r.kernelTime().min()),
                gb(r, r.kernelTime().quantile(0.9)), gb(r, r.wallTime().median()), r.kernelTime().nanos().length,
                r.check());
    }

    /** Writes JSON when {@code file} ends with .json, else CSV. */
    public void write(Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        if (file.getFileName().toString().endsWith(".json")) {
            Map<String, Object> json = new LinkedHashMap<>(context);
            List<Map<String, Object>> kernels = new ArrayList<>();
            for (Row r : rows) {
                kernels.add(rowMap(r));
            }
            json.put("kernels", kernels);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
        } else {
            StringBuilder csv = new StringBuilder();
            List<String> header = new ArrayList<>(context.keySet());
            header.addAll(rowMap(rows.getFirst()).keySet());
            csv.append(String.join(",", header)).append('\n');
            for (Row r : rows) {
                List<String> cells = new ArrayList<>();
                context.values().forEach(v -> cells.add(csvCell(v)));
                rowMap(r).values().forEach(v -> cells.add(csvCell(v)));
                csv.append(String.join(",", cells)).append('\n');
            }
            Files.writeString(file, csv);
        }
    }

    private static Map<String, Object> rowMap(Row r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kernel", r.kernel());
        m.put("description", r.description());
        m.put("bytes_counted", r.bytesCounted());
        m.put("reps", r.kernelTime().nanos().length);
        m.put("kernel_ms_median", r.kernelTime().median() / 1e6);
        m.put("kernel_ms_min", r.kernelTime().min() / 1e6);
        m.put("kernel_ms_p90", r.kernelTime().quantile(0.9) / 1e6);
        m.put("kernel_ms_max", r.kernelTime().max() / 1e6);
        m.put("gbps_median", gb(r, r.kernelTime().median()));
        m.put("gbps_best", gb(r, r.kernelTime().min()));
        m.put("gbps_p10", gb(r, r.kernelTime().quantile(0.9)));
        m.put("wall_ms_median", r.wallTime().median() / 1e6);
        m.put("wall_gbps_median", gb(r, r.wallTime().median()));
        m.put("check", r.check());
        return m;
    }

    private static double gb(Row r, double nanos) {
        return Timings.gbPerSecond(r.bytesCounted(), nanos);
    }

    private static String csvCell(Object v) {
        String s = String.valueOf(v);
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
