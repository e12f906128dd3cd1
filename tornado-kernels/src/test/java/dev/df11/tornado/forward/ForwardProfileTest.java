package dev.df11.tornado.forward;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * ForwardProfile over logs shaped like TornadoVM's: a graph's log grows by one JSON object per execution and is
 * returned whole every time, so each execution's kernel times must be counted once, the latest included.
 */
class ForwardProfileTest {

    private static String execution(String graph, long gateUpNanos, long downNanos) {
        return "{\"" + graph + "\": {\"TOTAL_KERNEL_TIME\": \"" + (gateUpNanos + downNanos) + "\", "
                + "\"" + graph + ".l0_gateUp\": {\"METHOD\": \"matVecPairs\", \"TASK_KERNEL_TIME\": \"" + gateUpNanos + "\"}, "
                + "\"" + graph + ".l0_down\": {\"METHOD\": \"matVecPairs\", \"TASK_KERNEL_TIME\": \"" + downNanos + "\"}}}\n";
    }

    private static ForwardProfile.Kind kind(ForwardProfile profile, String name) {
        return profile.kinds().stream().filter(k -> k.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void eachExecutionOfTheGrowingLogCountsOnceWithItsOwnTimes() {
        ForwardProfile profile = new ForwardProfile(Map.of("layers0.l0_gateUp", 1000L));
        String log = execution("layers0", 100, 10);
        profile.record(1, 5_000, log);
        log += execution("layers0", 300, 30);   // a later execution, slower: its times, not the first one's
        profile.record(1, 5_000, log);
        profile.record(0, 1_000, "{\"embedding\": {\"embedding.embed\": {\"TASK_KERNEL_TIME\": \"7\"}}}");
        profile.endStep();

        assertEquals(3, profile.graphRuns());
        assertEquals(1, profile.steps());
        assertEquals(100 + 300, kind(profile, "gateUp").nanos());
        assertEquals(2, kind(profile, "gateUp").launches());
        assertEquals(2000, kind(profile, "gateUp").bytes());
        assertEquals(10 + 30, kind(profile, "down").nanos());
        assertEquals(7, kind(profile, "embed").nanos());
        assertEquals(100 + 10 + 300 + 30 + 7, profile.kernelNanos());
        assertEquals(11_000, profile.hostNanos());
    }

    @Test
    void anExecutionWithoutTimedTasksIsReadAsTornadoVmWritesIt() {
        ForwardProfile profile = new ForwardProfile(Map.of());
        String log = "{\n  \"layers0\": {\n    \"TOTAL_TASK_GRAPH_TIME\": \"12\",\n  }\n}\n" + execution("layers0", 40, 4);
        profile.record(0, 1, log);
        assertEquals(40, kind(profile, "gateUp").nanos());
        assertEquals(1, profile.graphRuns());
    }

    @Test
    void resetKeepsItsPlaceInTheLogs() {
        ForwardProfile profile = new ForwardProfile(Map.of());
        String log = execution("layers0", 100, 10);
        profile.record(0, 1, log);
        profile.reset();
        log += execution("layers0", 50, 5);
        profile.record(0, 1, log);
        assertEquals(50, kind(profile, "gateUp").nanos(), "only the execution after the reset");
        assertEquals(1, kind(profile, "gateUp").launches());
    }

    @Test
    void aLogThatIsNotJsonIsReportedWithItsGraph() {
        ForwardProfile profile = new ForwardProfile(Map.of());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> profile.record(3, 1, "{\"a\": "));
        assertEquals(true, e.getMessage().contains("graph 3"), e.getMessage());
    }
}
