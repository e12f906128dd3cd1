package dev.df11.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.df11.format.model.Df11Inspector;
import dev.df11.format.model.Df11Model;
import dev.df11.format.model.InspectionReport;
import dev.df11.format.model.UnitStatistics;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code df11 inspect}: per-unit compression figures of a DF11 folder, or what DF11 would give a BF16 folder. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show per-unit compression figures (elements, bytes, ratio, exponent entropy, code lengths, "
                + "tables) of a DF11 folder, or what DF11 would give for a BF16 folder.")
public final class InspectCommand extends Df11Command {

    @Parameters(index = "0", paramLabel = "<dir>", description = "DF11 or BF16 model folder")
    Path dir;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Mixin
    PatternOption pattern;

    @Mixin
    ThreadsOption threads;

    @Override
    protected int run() throws Exception {
        InspectionReport r;
        try (ProgressBarListener listener = new ProgressBarListener(this, "inspect", err())) {
            if (Df11Inspector.isDf11Folder(dir)) {
                try (Df11Model model = Df11Model.open(dir)) {
                    r = Df11Inspector.inspectDf11(model, threads.value(), listener);
                }
            } else {
                r = Df11Inspector.inspectBf16(dir, pattern.value(), threads.value(), listener);
            }
        }
        if (json) {
            out().println(toJson(r));
        } else {
            printTable(r);
        }
        return 0;
    }

    private void printTable(InspectionReport r) {
        out().printf("%s: %s%n", dir, r.compressed() ? "DF11 model" : "BF16 model (figures DF11 would give)");
        String row = "%-28s %4s %12s %12s %8s %8s %8s %4s %6s%n";
        out().printf(row, "unit", "mats", "elements", "DF11 bytes", "ratio", "entropy", "avg bits", "max", "tables");
        for (UnitStatistics u : r.units()) {
            out().printf(row, u.unit(), u.matrices(), u.elements(), u.storedBytes(), pct(u.ratio()),
                    f2(u.entropyBits()), f2(u.averageCodeBits()), u.maxCodeBits(), u.tables());
            if (u.keptReason() != null) {
                out().printf("  (kept as BF16: %s)%n", u.keptReason());
            }
        }
        long unitBf16 = r.units().stream().mapToLong(UnitStatistics::bf16Bytes).sum();
        long unitDf11 = r.units().stream().mapToLong(UnitStatistics::storedBytes).sum();
        out().printf("units:  %d, %d weights, %s -> %s (%s)%n", r.units().size(), r.unitElements(),
                Sizes.bytes(unitBf16), Sizes.bytes(unitDf11), Sizes.percent(unitDf11, unitBf16));
        out().printf("other:  %d tensors, %s (stored unchanged)%n", r.plainTensors(), Sizes.bytes(r.plainBytes()));
        out().printf("model:  %s -> %s (%s of BF16)%n", Sizes.bytes(r.bf16Bytes()), Sizes.bytes(r.df11Bytes()),
                Sizes.percent(r.df11Bytes(), r.bf16Bytes()));
    }

    private static String toJson(InspectionReport r) throws Exception {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("compressed", r.compressed());
        ArrayNode units = root.putArray("units");
        for (UnitStatistics u : r.units()) {
            ObjectNode n = units.addObject();
            n.put("unit", u.unit());
            n.put("matrices", u.matrices());
            n.put("elements", u.elements());
            n.put("bf16_bytes", u.bf16Bytes());
            n.put("df11_bytes", u.storedBytes());
            n.put("ratio", u.ratio());
            n.put("entropy_bits", u.entropyBits());
            n.put("avg_code_bits", u.averageCodeBits());
            n.put("max_code_bits", u.maxCodeBits());
            n.put("tables", u.tables());
            if (u.keptReason() != null) {
                n.put("kept_as_bf16", u.keptReason());
            }
        }
        ObjectNode totals = root.putObject("totals");
        totals.put("unit_elements", r.unitElements());
        totals.put("plain_tensors", r.plainTensors());
        totals.put("plain_bytes", r.plainBytes());
        totals.put("bf16_bytes", r.bf16Bytes());
        totals.put("df11_bytes", r.df11Bytes());
        totals.put("ratio", r.bf16Bytes() == 0 ? 0 : (double) r.df11Bytes() / r.bf16Bytes());
        return mapper.writeValueAsString(root);
    }

    private static String pct(double ratio) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * ratio);
    }

    private static String f2(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
