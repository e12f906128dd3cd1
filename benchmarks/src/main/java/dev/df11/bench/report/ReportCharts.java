package dev.df11.bench.report;

import dev.df11.bench.report.Figure.Suite;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The report's charts, drawn with JFreeChart as PNG: one per suite that has figures. Bars are medians (the spreads
 * are in the tables beside them); a logarithmic axis where CPU and GPU figures share a chart.
 */
public final class ReportCharts {

    static final int WIDTH = 960;
    static final int HEIGHT = 540;

    /** A chart ready to write; {@code file} is its name inside the report's charts folder. */
    public record Chart(Suite suite, String file, String title, JFreeChart chart) {
    }

    private ReportCharts() {
    }

    /** The charts the results support, in report order. */
    public static List<Chart> build(ResultSet results) {
        List<Chart> charts = new ArrayList<>();
        List<Figure> decode = results.figures(Suite.DECODE);
        if (!decode.isEmpty()) {
            charts.add(decodeChart(decode, results.figures(Suite.DECODE_CEILING)));
        }
        bars(charts, results, Suite.MATVEC, "matvec.png", "Matrix-vector GB/s (weights read) by shape",
                "GB/s", f -> f.subject(), f -> f.backend() + " · " + f.series(), true);
        bars(charts, results, Suite.GENERATION, "generation.png", "Batch-1 generation tokens/s by mode, backend and"
                + " shape", "tokens/s", f -> f.subject() + " · " + f.backend(), Figure::series, true);
        lines(charts, results, Suite.BATCH, "batch.png", "Tokens/s against batch size (rows per forward pass:"
                + " prompt tokens or sequences)", "batch size", "tokens/s", true);
        bars(charts, results, Suite.MEMORY, "memory.png", "Memory of each generation mode", "GiB",
                f -> f.subject() + " · " + f.backend(), Figure::series, true);
        lines(charts, results, Suite.CONTEXT_MEMORY, "context-memory.png", "Device memory against context length",
                "context (tokens)", "GiB", false);
        bars(charts, results, Suite.CODEC_SIZE, "codec-size.png", "Compressed size, % of BF16 (lower is better)",
                "% of BF16", Figure::subject, Figure::series, false);
        List<Figure> speed = results.figures(Suite.CODEC_SPEED).stream().filter(f -> f.unit().equals("GB/s")).toList();
        if (!speed.isEmpty()) {
            charts.add(new Chart(Suite.CODEC_SPEED, "codec-speed.png", "Decompression GB/s of BF16 out, DF11 beside"
                    + " zstd (CPU)", barChart("Decompression GB/s of BF16 out, DF11 beside zstd (CPU)", "GB/s", speed,
                    Figure::subject, f -> f.series() + " · " + f.backend(), false)));
        }
        return charts;
    }

    /** Writes each chart as {@code dir/file}; returns the files. */
    public static List<Path> write(List<Chart> charts, Path dir) {
        List<Path> files = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            for (Chart c : charts) {
                Path file = dir.resolve(c.file());
                ChartUtils.saveChartAsPNG(file.toFile(), c.chart(), WIDTH, HEIGHT);
                files.add(file);
            }
        } catch (IOException e) {
            throw new ReportException(dir + ": cannot write the charts: " + e.getMessage(), e);
        }
        return files;
    }

    private static Chart decodeChart(List<Figure> decode, List<Figure> ceilings) {
        String title = "Decode GB/s of BF16 out by kernel and backend, against the device copy";
        JFreeChart chart = barChart(title, "GB/s", decode, Figure::subject, Figure::backend, true);
        CategoryPlot plot = chart.getCategoryPlot();
        float[] dash = {6f, 4f};
        // Labels at the right, middle and left of their lines, so that close ceilings do not print over each other.
        RectangleAnchor[] anchors = {RectangleAnchor.TOP_RIGHT, RectangleAnchor.TOP, RectangleAnchor.TOP_LEFT};
        TextAnchor[] texts = {TextAnchor.BOTTOM_RIGHT, TextAnchor.BOTTOM_CENTER, TextAnchor.BOTTOM_LEFT};
        int n = 0;
        for (Figure c : ceilings) {
            ValueMarker marker = new ValueMarker(c.median(), new Color(200, 30, 30), new BasicStroke(1.5f,
                    BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, dash, 0f));
            marker.setLabel(String.format(Locale.ROOT, "copy, %s: %,.0f GB/s", c.backend(), c.median()));
            marker.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            marker.setLabelAnchor(anchors[n % anchors.length]);
            marker.setLabelTextAnchor(texts[n % texts.length]);
            marker.setLabelOffset(new RectangleInsets(2, 6, 2, 6));
            n++;
            plot.addRangeMarker(marker);
        }
        if (!ceilings.isEmpty() && plot.getRangeAxis() instanceof LogAxis axis) {
            double top = ceilings.stream().mapToDouble(Figure::median).max().orElseThrow();
            axis.setUpperBound(Math.max(axis.getUpperBound(), top * 3));
        } else if (!ceilings.isEmpty()) {
            double top = ceilings.stream().mapToDouble(Figure::median).max().orElseThrow();
            plot.getRangeAxis().setUpperBound(Math.max(plot.getRangeAxis().getUpperBound(), top * 1.1));
        }
        return new Chart(Suite.DECODE, "decode.png", title, chart);
    }

    private static void bars(List<Chart> charts, ResultSet results, Suite suite, String file, String title,
            String unit, Function<Figure, String> category, Function<Figure, String> series, boolean logIfWide) {
        List<Figure> figures = results.figures(suite);
        if (!figures.isEmpty()) {
            charts.add(new Chart(suite, file, title, barChart(title, unit, figures, category, series, logIfWide)));
        }
    }

    private static JFreeChart barChart(String title, String unit, List<Figure> figures,
            Function<Figure, String> category, Function<Figure, String> series, boolean logIfWide) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Figure f : figures) {
            String s = series.apply(f);
            data.addValue(f.median(), s.isEmpty() ? f.backend() : s, category.apply(f));
        }
        JFreeChart chart = ChartFactory.createBarChart(title, null, unit, data, PlotOrientation.VERTICAL, true, false,
                false);
        style(chart);
        CategoryPlot plot = chart.getCategoryPlot();
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setItemMargin(0.05);
        CategoryAxis domain = plot.getDomainAxis();
        domain.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        domain.setMaximumCategoryLabelLines(3);
        if (logIfWide && wide(figures)) {
            LogAxis log = logAxis(unit, figures);
            log.setLowerBound(smallest(figures) / 2);
            log.setUpperBound(largest(figures) * 2);
            plot.setRangeAxis(log);
            renderer.setBase(smallest(figures) / 2);   // bars grow from the axis' floor, not from 0
        }
        return chart;
    }

    private static void lines(List<Chart> charts, ResultSet results, Suite suite, String file, String title,
            String xLabel, String yLabel, boolean logIfWide) {
        List<Figure> figures = results.figures(suite);
        if (figures.isEmpty()) {
            return;
        }
        Map<String, XYSeries> series = new LinkedHashMap<>();
        for (Figure f : figures) {
            String name = f.subject() + " · " + f.series() + " · " + f.backend();
            series.computeIfAbsent(name, n -> new XYSeries(n, true, false)).addOrUpdate(f.x(), f.median());
        }
        XYSeriesCollection data = new XYSeriesCollection();
        series.values().forEach(data::addSeries);
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL, true,
                false, false);
        style(chart);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        plot.setRenderer(renderer);
        if (logIfWide && wide(figures)) {
            plot.setRangeAxis(logAxis(yLabel, figures));
        }
        ((NumberAxis) plot.getDomainAxis()).setAutoRangeIncludesZero(true);
        charts.add(new Chart(suite, file, title, chart));
    }

    /** A base-10 axis with a tick per decade, labelled 1, 10, 100 rather than 10^2. */
    private static LogAxis logAxis(String label, List<Figure> figures) {
        LogAxis log = new LogAxis(label + " (log scale)");
        log.setSmallestValue(smallest(figures) / 2);
        log.setTickUnit(new NumberTickUnit(1));
        log.setNumberFormatOverride(new DecimalFormat("#,##0.###", DecimalFormatSymbols.getInstance(Locale.ROOT)));
        log.setMinorTickCount(9);
        log.setMinorTickMarksVisible(true);
        return log;
    }

    private static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        chart.getPlot().setBackgroundPaint(new Color(248, 248, 248));
    }

    /** Spans more than two orders of magnitude: a linear axis would flatten the small bars to nothing. */
    private static boolean wide(List<Figure> figures) {
        return smallest(figures) > 0 && largest(figures) / smallest(figures) > 100;
    }

    private static double smallest(List<Figure> figures) {
        return figures.stream().mapToDouble(Figure::median).filter(v -> v > 0).min().orElse(1);
    }

    private static double largest(List<Figure> figures) {
        return figures.stream().mapToDouble(Figure::median).max().orElse(1);
    }
}
