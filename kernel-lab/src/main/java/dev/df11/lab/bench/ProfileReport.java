package dev.df11.lab.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.df11.tornado.forward.ForwardProfile;

import java.io.PrintStream;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Prints and serialises a {@link ForwardProfile}: per forward step, each kernel kind's device time and bandwidth. A
 * step is one token for {@code generate-bench} (unit "token") and one scheduler step of several sequences' rows for
 * {@code serve-bench} (unit "step"); the unit names the printed columns and the JSON keys.
 */
final class ProfileReport {

    private ProfileReport() {
    }

    static void print(String mode, String unit, ForwardProfile profile, PrintStream out) {
        int steps = Math.max(1, profile.steps());
        out.printf(Locale.ROOT, "%s profile over %d %ss (%d graph runs): per %s %.3f ms of kernels, %.3f ms of"
                + " graph calls on the host (profiled)%n", mode, profile.steps(), unit, profile.graphRuns(), unit,
                profile.kernelNanos() / 1e6 / steps, profile.hostNanos() / 1e6 / steps);
        out.printf(Locale.ROOT, "  %-10s %9s %12s %10s %12s%n", "kernel", "launches", "ms/" + unit, "share", "GB/s");
        for (ForwardProfile.Kind kind : sorted(profile)) {
            out.printf(Locale.ROOT, "  %-10s %9d %12.3f %9.1f%% %12.1f%n", kind.name(), kind.launches() / steps,
                    kind.nanos() / 1e6 / steps, 100.0 * kind.nanos() / Math.max(1, profile.kernelNanos()),
                    kind.gbPerSecond());
        }
    }

    static ObjectNode toJson(String unit, ForwardProfile profile, ObjectMapper json) {
        ObjectNode node = json.createObjectNode();
        int steps = Math.max(1, profile.steps());
        node.put(unit + "s", profile.steps());
        node.put("graph_runs", profile.graphRuns());
        node.put("kernel_ms_per_" + unit, profile.kernelNanos() / 1e6 / steps);
        node.put("host_graph_call_ms_per_" + unit, profile.hostNanos() / 1e6 / steps);
        ArrayNode kinds = node.putArray("kernels");
        for (ForwardProfile.Kind kind : sorted(profile)) {
            ObjectNode k = kinds.addObject();
            k.put("kernel", kind.name());
            k.put("launches_per_" + unit, kind.launches() / steps);
            k.put("ms_per_" + unit, kind.nanos() / 1e6 / steps);
            k.put("weight_bytes_per_" + unit, kind.bytes() / steps);
            if (!Double.isNaN(kind.gbPerSecond())) {
                k.put("gb_per_second", kind.gbPerSecond());
            }
        }
        return node;
    }

    private static List<ForwardProfile.Kind> sorted(ForwardProfile profile) {
        return profile.kinds().stream().sorted(Comparator.comparingLong(ForwardProfile.Kind::nanos).reversed())
                .toList();
    }
}
