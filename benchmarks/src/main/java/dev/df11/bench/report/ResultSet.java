package dev.df11.bench.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the report shows: the figures (a later file's figure replaces an earlier one with the same suite,
 * backend, subject and series, so a rerun can be laid over an older run), the machines and software versions each
 * file records, the backends a run found missing, and free-text notes.
 */
public final class ResultSet {

    /** A backend the runner looked for and did not find, with the reason (e.g. "TORNADO_SDK not set"). */
    public record Absent(String backend, String reason, String source) {
    }

    private final Map<String, Figure> figures = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> environments = new LinkedHashMap<>();
    private final List<Absent> absent = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<String> sources = new ArrayList<>();

    void add(Figure figure) {
        figures.remove(figure.key());   // re-inserted last, so the table order follows the latest file
        figures.put(figure.key(), figure);
    }

    void environment(String source, String key, String value) {
        if (value != null && !value.isBlank()) {
            environments.computeIfAbsent(source, s -> new LinkedHashMap<>()).put(key, value);
        }
    }

    void absent(Absent a) {
        absent.add(a);
    }

    void note(String note) {
        notes.add(note);
    }

    void source(String name) {
        sources.add(name);
    }

    public List<Figure> figures() {
        return List.copyOf(figures.values());
    }

    public List<Figure> figures(Figure.Suite suite) {
        return figures.values().stream().filter(f -> f.suite() == suite).toList();
    }

    /** Per result file, what it says about the machine and software (device, driver, JDK, JMH, ...). */
    public Map<String, Map<String, String>> environments() {
        return Collections.unmodifiableMap(environments);
    }

    public List<Absent> absent() {
        return List.copyOf(absent);
    }

    public List<String> notes() {
        return List.copyOf(notes);
    }

    public List<String> sources() {
        return List.copyOf(sources);
    }
}
