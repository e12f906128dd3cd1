package dev.df11.bench.report;

import dev.df11.bench.report.Figure.Suite;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the report says, independent of HTML or Markdown: sections of paragraphs, an optional chart and a table.
 * Both renderings come from the same sections, so the page and its Markdown twin cannot disagree.
 */
final class ReportSections {

    record Table(List<String> header, List<List<String>> rows) {
    }

    record Section(String title, List<String> paragraphs, Optional<ReportCharts.Chart> chart, Optional<Table> table) {
    }

    /** Where each suite's figures come from, said when a suite has none. */
    private static final Map<Suite, String> HOW = Map.of(
            Suite.DECODE, "decode-bench (kernel lab, TornadoVM), Df11DecodeBenchmark (JMH, CPU) or the official"
                    + " baseline (benchmarks/gpu/official_decode_baseline.py)",
            Suite.DECODE_CEILING, "decode-bench's copy kernel or the official baseline's torch copy",
            Suite.MATVEC, "matvec-bench (kernel lab) or MatVecBandwidthBenchmark (JMH)",
            Suite.GENERATION, "generate-bench (kernel lab), GenerationBenchmark (JMH) or the PyTorch peers"
                    + " (benchmarks/gpu/torch_step_peer.py, torch_offload_peer.py)",
            Suite.BATCH, "GenerationBenchmark (JMH: generate is batch 1, prompt 32 tokens per forward pass),"
                    + " serve-bench (kernel lab: continuous batching at each concurrency level) or a generate-bench"
                    + " report whose modes carry \"batch\"",
            Suite.MEMORY, "generate-bench (device memory of each mode), GenerationBenchmark (JMH; resident weights)"
                    + " or the PyTorch peers (torch.cuda.max_memory_allocated)",
            Suite.CONTEXT_MEMORY, "a context-memory report (issue 14 item 4: the longest context beside BF16 and"
                    + " DF11 weights, measured on a GPU; docs/benchmark-report.md gives the format)",
            Suite.CODEC_SIZE, "CodecSizes (dev.df11.bench.codec.CodecSizes) or decode-bench's compression ratio",
            Suite.CODEC_SPEED, "Df11DecodeBenchmark, Df11EncodeBenchmark and ZstdBaselineBenchmark (JMH)",
            Suite.OTHER, "any other JMH benchmark");

    private ReportSections() {
    }

    static List<Section> build(ResultSet results, List<ReportCharts.Chart> charts) {
        List<Section> sections = new ArrayList<>();
        List<String> backends = new ArrayList<>();
        for (ResultSet.Absent a : results.absent()) {
            backends.add("not present: " + a.backend() + " (" + a.reason() + ")");
        }
        if (!backends.isEmpty()) {
            sections.add(new Section("Backends not present", backends, Optional.empty(), Optional.empty()));
        }
        for (Suite suite : Suite.values()) {
            if (suite == Suite.DECODE_CEILING) {
                continue;   // shown with DECODE
            }
            List<Figure> figures = new ArrayList<>(results.figures(suite));
            if (suite == Suite.DECODE) {
                figures.addAll(results.figures(Suite.DECODE_CEILING));
            }
            Optional<ReportCharts.Chart> chart = charts.stream().filter(c -> c.suite() == suite).findFirst();
            if (figures.isEmpty()) {
                if (suite != Suite.OTHER) {
                    sections.add(new Section(suite.title(), List.of("No results for this suite in the inputs. They"
                            + " come from " + HOW.get(suite) + "."), Optional.empty(), Optional.empty()));
                }
                continue;
            }
            List<String> paragraphs = new ArrayList<>();
            if (chart.isPresent()) {
                paragraphs.add("The chart shows medians; the table gives each figure's spread and its file.");
            }
            if (suite == Suite.DECODE) {
                paragraphs.add("GB/s of BF16 output (two bytes per weight, also for kernels that write only the"
                        + " exponents); the device copy counts bytes read + written. Spread: p10 .. best run for"
                        + " TornadoVM kernels, slowest .. fastest run for the official kernel, slowest .. fastest"
                        + " JMH iteration on the CPU.");
            }
            if (suite == Suite.BATCH && figures.stream().anyMatch(f -> f.series().contains(" serving"))) {
                paragraphs.add("The serving curves (serve-bench) put concurrent requests on the batch axis: every"
                        + " step runs one token of each started sequence together, so the batch is the concurrency"
                        + " once all requests have started. One timed round per level: no spread.");
            }
            sections.add(new Section(suite.title(), paragraphs, chart, Optional.of(table(figures, suite))));
            if (suite == Suite.MEMORY || suite == Suite.GENERATION && results.figures(Suite.MEMORY).isEmpty()) {
                sections.add(offload(results));
            }
        }
        if (!results.notes().isEmpty()) {
            sections.add(new Section("Notes", results.notes(), Optional.empty(), Optional.empty()));
        }
        sections.add(environment(results));
        return sections;
    }

    private static Table table(List<Figure> figures, Suite suite) {
        boolean x = suite == Suite.BATCH || suite == Suite.CONTEXT_MEMORY;
        List<String> header = new ArrayList<>(List.of("backend", "what", "variant"));
        if (x) {
            header.add(suite == Suite.BATCH ? "batch" : "context");
        }
        header.addAll(List.of("median", "spread", "unit", "file"));
        List<List<String>> rows = new ArrayList<>();
        for (Figure f : figures) {
            List<String> row = new ArrayList<>(List.of(f.backend().isEmpty() ? "—" : f.backend(), f.subject(),
                    f.series()));
            if (x) {
                row.add(String.format(Locale.ROOT, "%,.0f", f.x()));
            }
            row.add(number(f.median()));
            row.add(f.low() == f.high() ? "one measurement" : number(f.low()) + " .. " + number(f.high()));
            row.add(f.unit());
            row.add(f.source());
            rows.add(row);
        }
        return new Table(header, rows);
    }

    /**
     * DF11 resident against BF16 resident and BF16 offloaded, per backend and shape, by median tokens/s; beside them
     * the PyTorch peers of the same shape (a real offload: pinned host memory, double-buffered device blocks).
     */
    private static Section offload(ResultSet results) {
        Map<String, Map<String, Figure>> byRun = new LinkedHashMap<>();
        Map<String, Map<String, Figure>> torch = new LinkedHashMap<>();
        for (Figure f : results.figures(Suite.GENERATION)) {
            if (f.backend().equals(ResultReader.TORCH)) {
                torch.computeIfAbsent(f.subject(), k -> new LinkedHashMap<>()).put(f.series(), f);
            }
            byRun.computeIfAbsent(f.backend() + "\u0000" + f.subject(), k -> new LinkedHashMap<>()).put(f.series(), f);
        }
        List<List<String>> rows = new ArrayList<>();
        for (Map<String, Figure> modes : byRun.values()) {
            Figure df11 = modes.get("DF11 resident");
            if (df11 == null) {
                continue;
            }
            Figure bf16 = modes.get("BF16 resident");
            Figure host = modes.get("BF16 offloaded");
            Map<String, Figure> peers = torch.getOrDefault(df11.subject(), Map.of());
            Figure peerResident = peers.get(ResultReader.TORCH_RESIDENT);
            Figure peerOffload = peers.get(ResultReader.TORCH_OFFLOADED);
            rows.add(List.of(df11.backend(), df11.subject(), number(df11.median()),
                    bf16 == null ? "—" : number(bf16.median()), host == null ? "—" : number(host.median()),
                    ratio(df11, host), ratio(df11, bf16),
                    peerResident == null ? "—" : number(peerResident.median()),
                    peerOffload == null ? "—" : number(peerOffload.median()), ratio(df11, peerOffload)));
        }
        String title = "DF11 resident against BF16 offloaded";
        if (rows.isEmpty()) {
            return new Section(title, List.of("No generation run with a DF11-resident mode in the inputs."),
                    Optional.empty(), Optional.empty());
        }
        return new Section(title, List.of("Median tokens/s. \"BF16 offloaded\" is generate-bench's bf16-host mode;"
                + " a model whose BF16 weights do not fit on the device (issue 14 item 3) appears here as its own"
                + " shape when its report is among the inputs. The PyTorch columns are the peers of the same shape"
                + " (benchmarks/gpu/torch_step_peer.py: BF16 resident, CUDA graph; torch_offload_peer.py: BF16 in"
                + " pinned host memory, copied per block into a double-buffered device area while the previous"
                + " block computes)."), Optional.empty(),
                Optional.of(new Table(List.of("backend", "shape", "DF11 resident", "BF16 resident", "BF16 offloaded",
                        "DF11 / offloaded", "DF11 / BF16 resident", "PyTorch BF16 resident",
                        "PyTorch BF16 offloaded", "DF11 / PyTorch offloaded"), rows)));
    }

    private static String ratio(Figure a, Figure b) {
        return b == null ? "—" : String.format(Locale.ROOT, "%.2f×", a.median() / b.median());
    }

    private static Section environment(ResultSet results) {
        List<List<String>> rows = new ArrayList<>();
        results.environments().forEach((file, facts) -> facts.forEach((k, v) -> rows.add(List.of(file, k, v))));
        return new Section("Machines and software", List.of("What each result file records about where it ran."),
                Optional.empty(), rows.isEmpty() ? Optional.empty()
                        : Optional.of(new Table(List.of("file", "what", "value"), rows)));
    }

    static String number(double v) {
        double a = Math.abs(v);
        if (a >= 100) {
            return String.format(Locale.ROOT, "%,.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
