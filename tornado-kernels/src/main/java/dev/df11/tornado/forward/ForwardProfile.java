package dev.df11.tornado.forward;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where a forward step's time goes on the device: for each graph execution, the host time of the {@code execute}
 * call and the device time of each of its kernels, as TornadoVM's profiler reports them ({@code TASK_KERNEL_TIME},
 * from device events). Tasks are grouped by kind (the task name without its {@code l<layer>_} prefix: {@code qkv},
 * {@code decode}, {@code attend}, ...), and kinds that stream a known number of weight bytes report the bandwidth
 * they reach. The gap between the host time and the kernel time of a graph is what launching, argument writes and
 * the end-of-graph synchronisation cost.
 *
 * <p>The profiler waits on every kernel's event, so host times measured with it on are upper bounds; kernel times
 * are exact. Used by {@code generate-bench --profile} and {@code serve-bench --profile}, never in a timed run.
 */
public final class ForwardProfile {

    private static final Pattern LAYER_PREFIX = Pattern.compile("^l\\d+_");
    /** TornadoVM writes an execution without timed tasks with a trailing comma. */
    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_TRAILING_COMMA).build();

    private final Map<String, Long> bytesByTask;
    private final Map<String, Kind> kinds = new LinkedHashMap<>();
    private long hostNanos;
    private long kernelNanos;
    private int graphRuns;
    private int steps;
    /** Characters of each graph's profile log already read (the log only grows). */
    private final Map<Integer, Integer> consumed = new HashMap<>();

    /** @param bytesByTask weight bytes each task ({@code graph.task}) reads or writes, where known */
    ForwardProfile(Map<String, Long> bytesByTask) {
        this.bytesByTask = Map.copyOf(bytesByTask);
    }

    /** One kind of task: its launches, kernel time and weight bytes over the recorded steps. */
    public static final class Kind {
        private final String name;
        private long launches;
        private long nanos;
        private long bytes;

        Kind(String name) {
            this.name = name;
        }

        public String name() {
            return name;
        }

        public long launches() {
            return launches;
        }

        public long nanos() {
            return nanos;
        }

        /** Weight bytes streamed by these launches (0 where unknown). */
        public long bytes() {
            return bytes;
        }

        /** GB/s over the kernel time, or NaN where no bytes are known. */
        public double gbPerSecond() {
            return bytes == 0 || nanos == 0 ? Double.NaN : (double) bytes / nanos;
        }
    }

    /**
     * Records one execution of graph {@code graph}: the host time of the call and TornadoVM's profile log of the
     * graph. With the profiler on, TornadoVM appends one JSON object per execution to a graph's log and returns the
     * whole log every time, so only the objects appended since this graph's previous record are read.
     */
    void record(int graph, long hostCallNanos, String profileLog) {
        hostNanos += hostCallNanos;
        graphRuns++;
        int from = consumed.getOrDefault(graph, 0);
        if (from > profileLog.length()) {
            from = 0;   // a new log: nothing of it was read
        }
        consumed.put(graph, profileLog.length());
        String appended = profileLog.substring(from);
        try (MappingIterator<JsonNode> executions = JSON.readerFor(JsonNode.class).readValues(appended)) {
            while (executions.hasNext()) {
                add(executions.next());
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("TornadoVM's profile log of graph " + graph + " is not JSON objects", e);
        }
    }

    private void add(JsonNode execution) {
        for (Iterator<Map.Entry<String, JsonNode>> graphs = execution.fields(); graphs.hasNext(); ) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = graphs.next().getValue().fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                JsonNode time = field.getValue().get("TASK_KERNEL_TIME");
                if (!field.getValue().isObject() || time == null) {
                    continue;
                }
                long nanos = Long.parseLong(time.asText());
                String task = field.getKey();
                String shortName = task.substring(task.lastIndexOf('.') + 1);
                Kind kind = kinds.computeIfAbsent(LAYER_PREFIX.matcher(shortName).replaceFirst(""), Kind::new);
                kind.launches++;
                kind.nanos += nanos;
                kind.bytes += bytesByTask.getOrDefault(task, 0L);
                kernelNanos += nanos;
            }
        }
    }

    /** Marks the end of one forward step (token). */
    void endStep() {
        steps++;
    }

    /** Forgets everything recorded (call after warm-up). */
    public void reset() {
        kinds.clear();
        hostNanos = 0;
        kernelNanos = 0;
        graphRuns = 0;
        steps = 0;
    }

    public List<Kind> kinds() {
        return new ArrayList<>(kinds.values());
    }

    /** Forward steps recorded. */
    public int steps() {
        return steps;
    }

    /** Graph executions recorded. */
    public int graphRuns() {
        return graphRuns;
    }

    /** Host time of all recorded graph executions. */
    public long hostNanos() {
        return hostNanos;
    }

    /** Device kernel time of all recorded graph executions. */
    public long kernelNanos() {
        return kernelNanos;
    }
}
