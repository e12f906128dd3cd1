package dev.df11.lab.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.df11.tornado.forward.ForwardProfile;

import java.io.PrintStream;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Prints and serialises a {@link ForwardProfile}: per token, each kernel kind's device time and bandwidth. */
final class ProfileReport {

    private ProfileReport() {
    }

    static void print(String mode, ForwardProfile profile, PrintStream out) {
        int steps = Math.max(1, profile.steps());
        out.printf(Locale.ROOT, "%s profile over %d tokens (%d graph runs): per token %.3f ms of kernels, %.3f ms of"
                + " graph calls on the host (profiled)%n", mode, profile.steps(), profile.graphRuns(),
                profile.kernelNanos() / 1e6 / steps, profile.hostNanos() / 1e6 / steps);
        out.printf(Locale.ROOT, "  %-10s %9s %12s %10s %12s%n", "kernel", "launches", "ms/token", "share", "GB/s");
        for (ForwardProfile.Kind kind : sorted(profile)) {
            out.printf(Locale.ROOT, "  %-10s %9d %12.3f %9.1f%% %12.1f%n", kind.name(), kind.launches() / steps,
                    kind.nanos() / 1e6 / steps, 100.0 * kind.nanos() / Math.max(1, profile.kernelNanos()),
                    kind.gbPerSecond());
        }
    }

    static ObjectNode toJson(ForwardProfile profile, ObjectMapper json) {
        ObjectNode node = json.createObjectNode();
        int steps = Math.max(1, profile.steps());
        node.put("tokens", profile.steps());
        node.put("graph_runs", profile.graphRuns());
        node.put("kernel_ms_per_token", profile.kernelNanos() / 1e6 / steps);
        node.put("host_graph_call_ms_per_token", profile.hostNanos() / 1e6 / steps);
        ArrayNode kinds = node.putArray("kernels");
        for (ForwardProfile.Kind kind : sorted(profile)) {
            ObjectNode k = kinds.addObject();
            k.put("kernel", kind.name());
            k.put("launches_per_token", kind.launches() / steps);
            k.put("ms_per_token", kind.nanos() / 1e6 / steps);
            k.put("weight_bytes_per_token", kind.bytes() / steps);
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
