package dev.df11.bench.report;

import org.jfree.chart.ChartUtils;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.DocumentType;
import org.jsoup.nodes.Element;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.List;

/**
 * Writes the report into a folder: {@code report.html} (self-contained: the charts are inline PNG data), its Markdown
 * twin {@code report.md}, and the charts as {@code charts/*.png} (which the Markdown shows). Each file is written
 * under a temporary name and moved into place, so a failed run never leaves a page that looks complete.
 */
public final class ReportWriter {

    public static final String HTML = "report.html";
    public static final String MARKDOWN = "report.md";
    public static final String CHARTS = "charts";

    private ReportWriter() {
    }

    /** Renders {@code results} into {@code dir}; returns the HTML page's path. */
    public static Path write(ResultSet results, String title, String generatedBy, Path dir) {
        List<ReportCharts.Chart> charts = ReportCharts.build(results);
        List<ReportSections.Section> sections = ReportSections.build(results, charts);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ReportException(dir + ": cannot create the report folder: " + e.getMessage(), e);
        }
        ReportCharts.write(charts, dir.resolve(CHARTS));
        writeAtomically(dir.resolve(MARKDOWN), markdown(results, title, generatedBy, sections));
        Path html = dir.resolve(HTML);
        writeAtomically(html, html(results, title, generatedBy, sections));
        return html;
    }

    private static void writeAtomically(Path file, String text) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new ReportException(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    // ---- HTML (built with jsoup, which escapes every text it is given) ----

    static String html(ResultSet results, String title, String generatedBy, List<ReportSections.Section> sections) {
        Document doc = Document.createShell("");
        doc.prependChild(new DocumentType("html", "", ""));
        doc.title(title);
        doc.head().prependElement("meta").attr("charset", "utf-8");
        doc.head().appendElement("style").appendText("""
                body { font-family: sans-serif; max-width: 1100px; margin: 2em auto; color: #222; }
                table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
                th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: left; }
                td.num { text-align: right; font-variant-numeric: tabular-nums; }
                img { max-width: 100%; }
                .absent { color: #a00; }
                """);
        Element body = doc.body();
        body.appendElement("h1").text(title);
        body.appendElement("p").text(generatedBy);
        body.appendElement("p").text("Inputs: " + String.join(", ", results.sources()));
        for (ReportSections.Section s : sections) {
            Element section = body.appendElement("section");
            section.appendElement("h2").text(s.title());
            boolean absent = s.title().equals("Backends not present");
            for (String p : s.paragraphs()) {
                Element para = section.appendElement("p").text(p);
                if (absent) {
                    para.addClass("absent");
                }
            }
            s.chart().ifPresent(c -> section.appendElement("img").attr("alt", c.title())
                    .attr("src", "data:image/png;base64," + png(c)));
            s.table().ifPresent(t -> {
                Element table = section.appendElement("table");
                Element head = table.appendElement("thead").appendElement("tr");
                t.header().forEach(h -> head.appendElement("th").text(h));
                Element tbody = table.appendElement("tbody");
                for (List<String> row : t.rows()) {
                    Element tr = tbody.appendElement("tr");
                    for (int i = 0; i < row.size(); i++) {
                        Element td = tr.appendElement("td").text(row.get(i));
                        if (numeric(t.header().get(i))) {
                            td.addClass("num");
                        }
                    }
                }
            });
        }
        return doc.outerHtml();
    }

    private static boolean numeric(String column) {
        return switch (column) {
            case "median", "spread", "batch", "context" -> true;
            default -> false;
        };
    }

    private static String png(ReportCharts.Chart chart) {
        try {
            byte[] png = ChartUtils.encodeAsPNG(chart.chart().createBufferedImage(ReportCharts.WIDTH,
                    ReportCharts.HEIGHT));
            return Base64.getEncoder().encodeToString(png);
        } catch (IOException e) {
            throw new ReportException("cannot encode the chart " + chart.file() + ": " + e.getMessage(), e);
        }
    }

    // ---- Markdown ----

    static String markdown(ResultSet results, String title, String generatedBy,
            List<ReportSections.Section> sections) {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(title).append("\n\n").append(generatedBy).append("\n\n");
        md.append("Inputs: ").append(String.join(", ", results.sources())).append("\n");
        for (ReportSections.Section s : sections) {
            md.append("\n## ").append(s.title()).append("\n\n");
            for (String p : s.paragraphs()) {
                md.append(p).append("\n\n");
            }
            s.chart().ifPresent(c -> md.append("![").append(c.title()).append("](").append(CHARTS).append('/')
                    .append(c.file()).append(")\n\n"));
            s.table().ifPresent(t -> {
                md.append(row(t.header()));
                md.append(row(t.header().stream().map(h -> numeric(h) ? "---:" : "---").toList()));
                t.rows().forEach(r -> md.append(row(r)));
            });
        }
        return md.toString();
    }

    private static String row(List<String> cells) {
        return "| " + String.join(" | ", cells.stream().map(c -> c.replace("|", "\\|")).toList()) + " |\n";
    }
}
