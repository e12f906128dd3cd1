package dev.df11.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Writes the runner's {@code environment.json}: the machine and software, the backends it found missing (each becomes
 * a "not present" line in the report) and notes. {@code scripts/bench-report.sh} gathers the facts; this writes them
 * as JSON, so no shell has to escape strings.
 */
@Command(name = "bench-environment", mixinStandardHelpOptions = true,
        description = "Writes a benchmark run's environment.json (machine, missing backends, notes) for the report.")
public final class EnvironmentCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, description = "The JSON file to write.")
    Path out;

    @Option(names = "--machine", paramLabel = "KEY=VALUE", description = "A fact about the machine or software"
            + " (repeatable, kept in order).")
    Map<String, String> machine = new LinkedHashMap<>();

    @Option(names = "--absent", paramLabel = "BACKEND|REASON", description = "A backend that is not present and why"
            + " (repeatable).")
    List<String> absent = new ArrayList<>();

    @Option(names = "--note", description = "A note for the report (repeatable).")
    List<String> notes = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode().put("benchmark", "environment");
        ObjectNode facts = root.putObject("machine");
        machine.forEach(facts::put);
        ArrayNode missing = root.putArray("absent");
        for (String a : absent) {
            int bar = a.indexOf('|');
            if (bar <= 0 || bar == a.length() - 1) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--absent needs BACKEND|REASON,"
                        + " got '" + a + "'");
            }
            missing.addObject().put("backend", a.substring(0, bar)).put("reason", a.substring(bar + 1));
        }
        ArrayNode noteArray = root.putArray("notes");
        notes.forEach(noteArray::add);
        json.writeValue(out.toFile(), root);
        return 0;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new EnvironmentCommand()).execute(args));
    }
}
