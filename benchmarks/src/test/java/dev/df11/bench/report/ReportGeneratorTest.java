package dev.df11.bench.report;

import dev.df11.bench.report.Figure.Suite;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The report generator on a small synthetic set of result files (src/test/resources/report/small). */
class ReportGeneratorTest {

    private static final List<String> EVERY_CHART = List.of("decode.png", "matvec.png", "generation.png",
            "batch.png", "memory.png", "context-memory.png", "codec-size.png", "codec-speed.png");

    /** The report of the whole small set, rendered once for the tests that only read it. */
    @TempDir
    static Path shared;
    private static Path html;

    @BeforeAll
    static void renderTheSmallSet() throws URISyntaxException {
        System.setProperty("java.awt.headless", "true");
        html = render(shared, small());
    }

    static Path small() throws URISyntaxException {
        return Path.of(Objects.requireNonNull(ReportGeneratorTest.class.getResource("/report/small")).toURI());
    }

    private static Path render(Path out, Path... inputs) {
        return ReportWriter.write(ResultReader.read(List.of(inputs)), "test report", "made by a test", out);
    }

    @Test
    void smallRunProducesAValidPageWithEveryChart() throws Exception {
        Path out = shared;

        Document page = Jsoup.parse(html.toFile());
        assertEquals("html", page.documentType().name());
        assertEquals("test report", page.title());
        assertEquals(List.of("test report"), page.select("h1").eachText());
        List<Element> images = page.select("img");
        assertEquals(EVERY_CHART.size(), images.size(), "one inline chart per suite");
        for (Element img : images) {
            String src = img.attr("src");
            assertTrue(src.startsWith("data:image/png;base64,"), "self-contained: the chart is inline, not " + src);
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(
                    Base64.getDecoder().decode(src.substring("data:image/png;base64,".length()))));
            assertNotNull(image, "the inline chart decodes as PNG: " + img.attr("alt"));
            assertEquals(ReportCharts.WIDTH, image.getWidth());
        }
        String markdown = Files.readString(out.resolve(ReportWriter.MARKDOWN));
        for (String chart : EVERY_CHART) {
            Path file = out.resolve(ReportWriter.CHARTS).resolve(chart);
            assertTrue(Files.size(file) > 1000, chart + " exists and is not empty");
            BufferedImage image = ImageIO.read(file.toFile());
            assertNotNull(image, chart + " is a PNG");
            assertEquals(ReportCharts.HEIGHT, image.getHeight());
            assertTrue(markdown.contains("](charts/" + chart + ")"), "the Markdown shows " + chart);
        }
        try (Stream<Path> left = Files.list(out)) {
            assertTrue(left.noneMatch(p -> p.toString().endsWith(".tmp")), "no temporary files left");
        }
    }

    @Test
    void everySectionHasATableInBothRenderings() throws Exception {
        Path out = shared;
        Document page = Jsoup.parse(out.resolve(ReportWriter.HTML).toFile());
        String markdown = Files.readString(out.resolve(ReportWriter.MARKDOWN));
        for (Suite suite : List.of(Suite.DECODE, Suite.MATVEC, Suite.GENERATION, Suite.BATCH, Suite.MEMORY,
                Suite.CONTEXT_MEMORY, Suite.CODEC_SIZE, Suite.CODEC_SPEED, Suite.OTHER)) {
            Element h2 = page.select("h2").stream().filter(h -> h.text().equals(suite.title())).findFirst()
                    .orElseThrow(() -> new AssertionError("no section " + suite.title()));
            assertFalse(h2.parent().select("table tbody tr").isEmpty(), suite + " has rows");
            assertTrue(markdown.contains("## " + suite.title() + "\n"), suite + " in the Markdown");
        }
        assertTrue(markdown.contains("| TornadoVM PTX | v3f-exponent-plane |  | 920.1 | 910.3 .. 934.7 | GB/s |"
                + " tornado-ptx-decode.json |"), markdown);
    }

    @Test
    void jmhFiguresAreTheMedianAndRangeOfTheMeasuredIterations() throws Exception {
        ResultSet results = ResultReader.read(List.of(small().resolve("cpu-jmh.json")));
        Figure oneThread = find(results, Suite.DECODE, "CPU, 1 thread", "CPU decoder, gaussian16M", "");
        assertEquals(1.32, oneThread.median(), 1e-9);     // odd count: the middle iteration
        assertEquals(1.30, oneThread.low(), 1e-9);
        assertEquals(1.40, oneThread.high(), 1e-9);
        Figure allCores = find(results, Suite.DECODE, "CPU, all cores", "CPU decoder, gaussian16M", "");
        assertEquals(2.35, allCores.median(), 1e-9);      // even count: the mean of the middle two
        Figure prompt = results.figures(Suite.BATCH).stream().filter(f -> f.x() == 32 && f.series().equals(
                "DF11 resident")).findFirst().orElseThrow();
        assertEquals(930, prompt.median(), 1e-9);
        assertEquals("tokens/s", prompt.unit());
        Figure memory = find(results, Suite.MEMORY, "CPU, all cores", "stories15M, DF11 resident",
                "resident weights (with decode buffers)");
        assertEquals(22808772.0 / (1 << 30), memory.median(), 1e-12);   // each iteration's value, not JMH's sum
        assertEquals("GiB", memory.unit());
    }

    @Test
    void officialKernelSpreadRunsFromTheSlowestToTheFastestRun() throws Exception {
        ResultSet results = ResultReader.read(List.of(small().resolve("official.json")));
        Figure official = find(results, Suite.DECODE, "CUDA (official DFloat11)", "official DFloat11 kernel", "");
        assertEquals(496.72, official.median(), 1e-9);
        assertEquals(496.72 * 0.5 / 0.6, official.low(), 1e-9);
        assertEquals(506.5, official.high(), 1e-9);
    }

    @Test
    void offloadSectionGivesDf11AgainstBf16Offloaded() throws Exception {
        Path out = shared;
        String markdown = Files.readString(out.resolve(ReportWriter.MARKDOWN));
        assertTrue(markdown.contains("| TornadoVM PTX | llama-3.1-8b | 34.39 | 82.04 | 3.48 | 9.88× | 0.42× | 169.5"
                + " | 3.13 | 11.00× |"), markdown);
    }

    @Test
    void torchPeersAreGenerationAndMemoryFiguresOfTheirOwnBackend() throws Exception {
        ResultSet results = ResultReader.read(List.of(small().resolve("torch-step-peer.json"),
                small().resolve("torch-offload-peer.json")));
        Figure resident = find(results, Suite.GENERATION, ResultReader.TORCH, "llama-3.1-8b",
                ResultReader.TORCH_RESIDENT);
        assertEquals(169.49, resident.median(), 1e-9);
        assertEquals(163.93, resident.low(), 1e-9);
        assertEquals(170.94, resident.high(), 1e-9);
        Figure offloaded = find(results, Suite.GENERATION, ResultReader.TORCH, "llama-3.1-8b",
                ResultReader.TORCH_OFFLOADED);
        assertEquals(3.125, offloaded.median(), 1e-9);
        Figure memory = find(results, Suite.MEMORY, ResultReader.TORCH, "llama-3.1-8b, "
                + ResultReader.TORCH_OFFLOADED, "torch.cuda.max_memory_allocated");
        assertEquals(2200000000.0 / (1 << 30), memory.median(), 1e-12);
        assertTrue(results.environments().get("torch-offload-peer.json").get("host to device").contains("pinned"));
    }

    /**
     * What the new tools wrote, unedited (src/test/resources/report/tools): context-bench and generate-bench
     * --in-memory on PoCL, the PyTorch peers' --device cpu dry runs. The report reads each and renders them.
     */
    @Test
    void outputsOfContextBenchInMemoryGenerationAndThePeersAreReadAsWritten(@TempDir Path out) throws Exception {
        Path tools = Path.of(Objects.requireNonNull(ReportGeneratorTest.class.getResource("/report/tools")).toURI());
        ResultSet results = ResultReader.read(List.of(tools));
        List<Figure> context = results.figures(Suite.CONTEXT_MEMORY);
        assertEquals(4, context.size());
        Figure longestDf11 = context.stream().filter(f -> f.series().equals("DF11 weights") && f.x() == 624)
                .findFirst().orElseThrow();
        assertEquals(612504.0 / (1 << 30), longestDf11.median(), 1e-12);
        assertEquals("TornadoVM OpenCL", longestDf11.backend());
        Figure inMemory = find(results, Suite.GENERATION, "TornadoVM (default)", "tiny", "DF11 resident");
        assertEquals(130.5746436642457, inMemory.median(), 1e-9);
        assertEquals("PyTorch on cpu", find(results, Suite.GENERATION, "PyTorch on cpu", "tiny",
                ResultReader.TORCH_OFFLOADED).backend());
        render(out, tools);
        String markdown = Files.readString(out.resolve(ReportWriter.MARKDOWN));
        assertTrue(markdown.contains("](charts/context-memory.png)"), markdown);
        assertTrue(markdown.contains("longest context that ran within the budget, DF11 weights: 624 tokens"), markdown);
    }

    @Test
    void serveBenchLevelsAreBatchFiguresOfTheirBackend() throws Exception {
        ResultSet results = ResultReader.read(List.of(small().resolve("tornado-ptx-serve.json")));
        List<Figure> batch = results.figures(Suite.BATCH);
        assertEquals(4, batch.size(), "two levels of two modes");
        Figure df11At16 = batch.stream().filter(f -> f.x() == 16 && f.series().equals("DF11 serving (exact)"))
                .findFirst().orElseThrow();
        assertEquals("TornadoVM PTX", df11At16.backend());
        assertEquals("llama-3.1-8b", df11At16.subject());
        assertEquals(145.22813627537988, df11At16.median(), 1e-9);
        assertEquals(df11At16.median(), df11At16.low(), "one timed round per level: no spread");
        assertEquals(df11At16.median(), df11At16.high());
        assertTrue(results.figures(Suite.GENERATION).isEmpty(), "a serving level is no batch-1 generation figure");
        String markdown = Files.readString(shared.resolve(ReportWriter.MARKDOWN));
        assertTrue(markdown.contains("The serving curves (serve-bench) put concurrent requests on the batch axis"),
                markdown);
        assertTrue(markdown.contains("| TornadoVM PTX | llama-3.1-8b | BF16 serving | 16 | 171.7 |"), markdown);
    }

    @Test
    void serveBenchRunThatWasNotBatchInvariantGetsANote(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("serve.json");
        Files.writeString(file, Files.readString(small().resolve("tornado-ptx-serve.json"))
                .replace("\"batch_invariant\" : true", "\"batch_invariant\" : false")
                .replace("\"batch_invariant\": true", "\"batch_invariant\": false"));
        ResultSet results = ResultReader.read(List.of(file));
        assertTrue(results.notes().stream().anyMatch(n -> n.startsWith("serve.json: some requests generated other"
                + " tokens")), results.notes().toString());
    }

    @Test
    void serveLevelWithoutItsRateNamesTheFileAndTheLevel(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("serve.json");
        Files.writeString(file, Files.readString(small().resolve("tornado-ptx-serve.json"))
                .replaceFirst("\"tokens_per_second\"", "\"renamed\""));
        ReportException e = assertThrows(ReportException.class, () -> ResultReader.read(List.of(file)));
        assertTrue(e.getMessage().contains("serve.json: modes[0].levels[0] has no \"tokens_per_second\""),
                e.getMessage());
    }

    @Test
    void aTorchPeerDryRunOnTheCpuIsNotACudaFigure(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("dry.json");
        Files.writeString(file, Files.readString(small().resolve("torch-offload-peer.json"))
                .replace("\"device\": \"cuda\"", "\"device\": \"cpu\""));
        ResultSet results = ResultReader.read(List.of(file));
        assertEquals("PyTorch on cpu", results.figures(Suite.GENERATION).get(0).backend());
    }

    @Test
    void torchPeerWithoutItsRateNamesTheFileAndTheField(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("peer.json");
        Files.writeString(file, Files.readString(small().resolve("torch-step-peer.json"))
                .replace("\"steps_per_second_median\"", "\"renamed\""));
        ReportException e = assertThrows(ReportException.class, () -> ResultReader.read(List.of(file)));
        assertTrue(e.getMessage().contains("peer.json") && e.getMessage().contains("steps_per_second_median"),
                e.getMessage());
    }

    @Test
    void missingBackendYieldsItsLine() throws Exception {
        Path out = shared;
        Document page = Jsoup.parse(html.toFile());
        List<String> lines = page.select("p.absent").eachText();
        assertTrue(lines.contains("not present: TornadoVM SPIR-V (not in the bundle's TornadoVM SDK)"), lines.toString());
        assertTrue(lines.contains("not present: official DFloat11 CUDA kernel (no --official-dfloat11 PATH given)"));
        assertTrue(Files.readString(out.resolve(ReportWriter.MARKDOWN))
                .contains("not present: official DFloat11 CUDA kernel (no --official-dfloat11 PATH given)"));
    }

    @Test
    void suiteWithoutResultsSaysSoInsteadOfFailing(@TempDir Path out) throws Exception {
        render(out, small().resolve("cpu-jmh.json"));
        String markdown = Files.readString(out.resolve(ReportWriter.MARKDOWN));
        assertTrue(markdown.contains("## Memory against context length\n\nNo results for this suite in the inputs."),
                markdown);
        assertFalse(Files.exists(out.resolve(ReportWriter.CHARTS).resolve("context-memory.png")));
    }

    @Test
    void laterFileReplacesAnEarlierFigureOfTheSameMeasurement(@TempDir Path dir) throws Exception {
        String rerun = Files.readString(small().resolve("tornado-ptx-decode.json")).replace("920.1", "930.5");
        Path later = Files.writeString(dir.resolve("rerun.json"), rerun);
        ResultSet results = ResultReader.read(List.of(small().resolve("tornado-ptx-decode.json"), later));
        Figure v3f = find(results, Suite.DECODE, "TornadoVM PTX", "v3f-exponent-plane", "");
        assertEquals(930.5, v3f.median(), 1e-9);
        assertEquals("rerun.json", v3f.source());
        assertEquals(1, results.figures(Suite.DECODE).size());
    }

    @Test
    void textFromResultFilesIsEscapedInTheHtml(@TempDir Path dir) throws Exception {
        String hostile = Files.readString(small().resolve("tornado-ptx-decode.json"))
                .replace("v3f-exponent-plane", "<script>alert(1)</script>");
        Path file = Files.writeString(dir.resolve("hostile.json"), hostile);
        Document page = Jsoup.parse(render(dir.resolve("out"), file).toFile());
        assertTrue(page.select("script").isEmpty());
        assertTrue(page.select("td").eachText().contains("<script>alert(1)</script>"));
    }

    @Test
    void realResultFilesOfTheH100AndCpuRunsAreRead() {
        // the checked-in raw results (surefire runs in the module folder): every format as the drivers wrote it
        Path results = Path.of("results");
        ResultSet set = ResultReader.read(List.of(results.resolve("cpu-vm-20261126T2348Z-codec-quiet.json"),
                results.resolve("cpu-vm-20261206T1710Z-generation-memory.json"),
                results.resolve("gpu/h100-2026-11-27-planes/matvec-planes-ptx.json"),
                results.resolve("gpu/h100-2026-11-27-triples")));
        assertEquals(920.1, find(set, Suite.DECODE, "TornadoVM PTX", "v3f-exponent-plane", "").median(), 0.05);
        assertEquals(959.8, find(set, Suite.DECODE, "TornadoVM OpenCL", "v3f-exponent-plane", "").median(), 0.05);
        assertEquals(496.7, find(set, Suite.DECODE, "CUDA (official DFloat11)", "official DFloat11 kernel", "")
                .median(), 0.05);
        assertEquals(34.39, find(set, Suite.GENERATION, "TornadoVM PTX", "llama-3.1-8b", "DF11 resident").median(),
                0.005);
        assertEquals(3.48, find(set, Suite.GENERATION, "TornadoVM PTX", "llama-3.1-8b", "BF16 offloaded").median(),
                0.005);
        assertEquals(10.18, find(set, Suite.MEMORY, "TornadoVM PTX", "llama-3.1-8b, DF11 resident",
                "accounted by the backend").median(), 0.005);
        assertEquals(21.75, find(set, Suite.MEMORY, "CPU, all cores", "stories15M, DF11 resident",
                "resident weights (with decode buffers)").median() * 1024, 0.005);   // MiB
        assertEquals(1.33, find(set, Suite.DECODE, "CPU, 1 thread", "CPU decoder, gaussian16M", "").median(), 0.005);
        assertFalse(set.figures(Suite.MATVEC).isEmpty());
    }

    /**
     * The 44B model that does not fit (issue 14 item 3): its generate-bench report of 2026-12-06 names the exact DF11
     * mode df11-exact (df11-device was then the fused kernel), and the report must still count it as DF11 resident,
     * so that the DF11-against-offloaded table gives its speed-up over the PyTorch pinned offload.
     */
    @Test
    void the44bModelThatDoesNotFitIsComparedWithThePinnedOffload(@TempDir Path out) throws Exception {
        Path run = Path.of("results/gpu/h100-2026-12-06-fused");
        List<Path> inputs = List.of(run.resolve("r5-generate-44b-df11-exact-ptx.json"),
                run.resolve("r5-torch-offload-44b.json"), run.resolve("r3-generate-8b-ptx.json"));
        ResultSet set = ResultReader.read(inputs);
        assertEquals(7.33, find(set, Suite.GENERATION, "TornadoVM PTX", "llama-44b", "DF11 resident").median(), 0.005);
        assertEquals(32.13, find(set, Suite.GENERATION, "TornadoVM PTX", "llama-3.1-8b", "DF11 resident (fused)")
                .median(), 0.005, "the old df11-device mode was the fused kernel");
        assertEquals(36.91, find(set, Suite.GENERATION, "TornadoVM PTX", "llama-3.1-8b", "DF11 resident").median(),
                0.005);
        ReportWriter.write(set, "44b", "made by a test", out);
        String markdown = Files.readString(out.resolve(ReportWriter.MARKDOWN));
        assertTrue(markdown.contains("| TornadoVM PTX | llama-44b | 7.33 | — | — | — | — | — | 0.637 | 11.50× |"),
                markdown);
    }

    @Test
    void realServeBenchResultOfTheH200IsRead() {
        Path results = Path.of("results");
        ResultSet set = ResultReader.read(List.of(results.resolve("gpu/h200-2026-12-06-quad/qm/serve.json")));
        List<Figure> batch = set.figures(Suite.BATCH);
        assertEquals(6, batch.size(), "levels 1, 16 and 64 of BF16 and DF11");
        Figure df11At64 = batch.stream().filter(f -> f.x() == 64 && f.series().equals("DF11 serving (fused)"))
                .findFirst().orElseThrow();
        assertEquals(172.1, df11At64.median(), 0.05);
        assertEquals("TornadoVM PTX", df11At64.backend());
        assertTrue(set.notes().isEmpty(), set.notes().toString());
    }

    @Test
    void tornadoDeviceStringsNameTheirBackend() {
        assertEquals("TornadoVM PTX", ResultReader.tornadoBackend("NVIDIA H100 80GB HBM3 (PTX, PTX)"));
        assertEquals("TornadoVM OpenCL", ResultReader.tornadoBackend("NVIDIA H100 80GB HBM3 (NVIDIA CUDA, OPENCL)"));
        assertEquals("TornadoVM (default)", ResultReader.tornadoBackend("default"));
    }

    // ---- malformed inputs: each a clear error that names the file ----

    @Test
    void invalidJsonNamesTheFile(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("broken.json"), "{\"kernels\": [");
        ReportException e = assertThrows(ReportException.class, () -> ResultReader.read(List.of(file)));
        assertTrue(e.getMessage().startsWith(file + ": not valid JSON"), e.getMessage());
    }

    @Test
    void decodeReportWithoutAMedianNamesTheFileAndTheKernel(@TempDir Path dir) throws Exception {
        String text = Files.readString(small().resolve("tornado-ptx-decode.json"))
                .replaceFirst("\"gbps_median\": [0-9.]+,", "");
        Path file = Files.writeString(dir.resolve("no-median.json"), text);
        ReportException e = assertThrows(ReportException.class, () -> ResultReader.read(List.of(file)));
        assertEquals(file + ": kernels[0] has no \"gbps_median\"", e.getMessage());
    }

    @Test
    void nonNumericFigureNamesTheFileAndTheField(@TempDir Path dir) throws Exception {
        String text = Files.readString(small().resolve("tornado-ptx-generate-df11-device.json"))
                .replace("\"tokens_per_second_median\": 34.39", "\"tokens_per_second_median\": \"fast\"");
        Path file = Files.writeString(dir.resolve("words.json"), text);
        ReportException e = assertThrows(ReportException.class, () -> ResultReader.read(List.of(file)));
        assertTrue(e.getMessage().startsWith(file + ": modes[0] \"tokens_per_second_median\" is not a finite number"),
                e.getMessage());
    }

    @Test
    void jmhRunWithoutRawDataNamesTheFileAndTheBenchmark(@TempDir Path dir) throws Exception {
        String text = Files.readString(small().resolve("cpu-jmh.json"));
        int secondRawData = text.indexOf("\"rawData\"", text.indexOf("\"rawData\"") + 1);   // run 0's bf16Bytes
        text = text.substring(0, secondRawData) + "\"raw\"" + text.substring(secondRawData + "\"rawData\"".length());
        Path file = Files.writeString(dir.resolve("jmh.json"), text);
        ReportException e = assertThrows(ReportException.class, () -> ResultReader.read(List.of(file)));
        assertEquals(file + ": run [0] (dev.df11.bench.codec.Df11DecodeBenchmark.decode) secondaryMetrics.bf16Bytes"
                + " has no rawData (the measured iterations)", e.getMessage());
    }

    @Test
    void unknownBenchmarkKindNamesTheFile(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("other.json"), "{\"benchmark\": \"frobnicate\"}");
        ReportException e = assertThrows(ReportException.class, () -> ResultReader.read(List.of(file)));
        assertTrue(e.getMessage().startsWith(file + ": unknown \"benchmark\": \"frobnicate\""), e.getMessage());
    }

    @Test
    void jsonThatIsNoResultFileNamesTheFile(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("package.json"), "{\"name\": \"x\"}");
        ReportException e = assertThrows(ReportException.class, () -> ResultReader.read(List.of(file)));
        assertTrue(e.getMessage().startsWith(file + ": not a result file this report knows"), e.getMessage());
    }

    @Test
    void emptyFileNamesTheFile(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("empty.json"), "");
        ReportException e = assertThrows(ReportException.class, () -> ResultReader.read(List.of(file)));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    }

    @Test
    void missingInputNamesIt(@TempDir Path dir) {
        Path file = dir.resolve("nowhere.json");
        ReportException e = assertThrows(ReportException.class, () -> ResultReader.read(List.of(file)));
        assertEquals(file + ": no such result file or folder", e.getMessage());
    }

    @Test
    void folderWithoutResultFilesIsAnError(@TempDir Path dir) {
        ReportException e = assertThrows(ReportException.class, () -> ResultReader.read(List.of(dir)));
        assertEquals(dir + ": no .json result files in this folder", e.getMessage());
    }

    @Test
    void commandReportsAMalformedFileAndExitsWithOne(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("broken.json"), "[");
        int code = new picocli.CommandLine(new ReportCommand()).execute("--out", dir.resolve("out").toString(),
                file.toString());
        assertEquals(1, code);
        assertFalse(Files.exists(dir.resolve("out").resolve(ReportWriter.HTML)), "no page from a failed read");
    }

    private static Figure find(ResultSet results, Suite suite, String backend, String subject, String series) {
        return results.figures(suite).stream().filter(f -> f.backend().equals(backend) && f.subject().equals(subject)
                && f.series().equals(series)).findFirst().orElseThrow(() -> new AssertionError(
                "no " + suite + " " + backend + " " + subject + " " + series + " in " + results.figures(suite)));
    }
}
