package dev.df11.bench.report;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Turns benchmark result files into the report (HTML page, Markdown twin, PNG charts). Usually run through
 * {@code scripts/bench-report.sh}, which also runs the suites; on its own it only reads results, so a GPU run made
 * elsewhere can be rendered here.
 */
@Command(name = "bench-report", mixinStandardHelpOptions = true,
        description = "Renders benchmark result JSON (JMH, kernel-lab decode/matvec/generate-bench, the official"
                + " DFloat11 baseline, codec-sizes, context-memory, environment) into report.html, report.md and"
                + " charts/*.png.")
public final class ReportCommand implements Callable<Integer> {

    @Parameters(arity = "0..*", paramLabel = "INPUT", description = "Result files or folders (a folder: its *.json"
            + " files in name order). A later file's figure replaces an earlier one's for the same measurement.")
    List<Path> inputs = List.of();

    @Option(names = "--out", description = "Folder to write report.html, report.md and charts/ to.")
    Path out;

    @Option(names = "--check-fonts", description = "Only check that this machine can draw the charts (fontconfig and"
            + " a font); write nothing.")
    boolean checkFonts;

    @Option(names = "--title", defaultValue = "df11 benchmark report", description = "Page title (default:"
            + " ${DEFAULT-VALUE}).")
    String title;

    @Option(names = "--generated-by", description = "The line under the title saying how the results were made"
            + " (default: the date and the inputs' count).")
    String generatedBy;

    @Override
    public Integer call() {
        Optional<String> fonts = ChartFonts.problem();
        if (fonts.isPresent()) {
            System.err.println("bench-report: " + fonts.get());
            return 1;
        }
        if (checkFonts) {
            return 0;
        }
        if (out == null || inputs.isEmpty()) {
            System.err.println("bench-report: give --out DIR and one or more result files or folders");
            return 2;
        }
        try {
            ResultSet results = ResultReader.read(inputs);
            String line = generatedBy != null ? generatedBy
                    : "Generated " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + " from " + results.sources().size()
                            + " result files.";
            Path html = ReportWriter.write(results, title, line, out);
            System.out.println("wrote " + html + ", " + out.resolve(ReportWriter.MARKDOWN) + " and "
                    + out.resolve(ReportWriter.CHARTS) + "/");
            results.absent().forEach(a -> System.out.println("not present: " + a.backend() + " (" + a.reason() + ")"));
            return 0;
        } catch (ReportException e) {
            System.err.println("bench-report: " + e.getMessage());
            return 1;
        }
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new ReportCommand()).execute(args));
    }
}
