package dev.df11.lab.bench;

import uk.ac.manchester.tornado.api.TornadoExecutionPlan;

/**
 * Times a compiled, profiled execution plan: untimed warm-up executions, then timed ones, each giving the kernel
 * time TornadoVM's profiler reports and the host wall time around the synchronous {@code execute()}.
 *
 * @param kernel device kernel time of each timed execution
 * @param wall   host time of each timed execution
 */
record PlanTimer(Timings kernel, Timings wall) {

    /** Runs {@code plan} (built {@code withProfiler}) {@code warmup} times untimed, then {@code reps} times timed. */
    static PlanTimer measure(TornadoExecutionPlan plan, int warmup, int reps) {
        for (int i = 0; i < warmup; i++) {
            plan.execute();
        }
        long[] kernel = new long[reps];
        long[] wall = new long[reps];
        for (int i = 0; i < reps; i++) {
            long start = System.nanoTime();
            var result = plan.execute();
            wall[i] = System.nanoTime() - start;
            kernel[i] = result.getProfilerResult().getDeviceKernelTime();
        }
        return new PlanTimer(new Timings("kernel", kernel), new Timings("wall", wall));
    }
}
