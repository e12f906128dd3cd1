package dev.df11.cli;

import picocli.CommandLine.Option;

/** {@code --threads N}: worker threads for encoding and decoding (default: all processors). */
final class ThreadsOption {

    /**
     * Most threads a command accepts. Work is split into at most a few thousand pieces, so more threads only cost
     * memory; and thread pools fail without a useful message past their own limits (ForkJoinPool: 32767).
     */
    static final int MAX_THREADS = 1024;

    @Option(names = {"-t", "--threads"}, paramLabel = "N",
            description = "Worker threads, 1 to " + MAX_THREADS + " (default: all processors).")
    Integer threads;

    int value() {
        return resolve("--threads", threads);
    }

    /**
     * The thread count to use for {@code option}: the requested one, checked, or all processors when null.
     *
     * @throws IllegalArgumentException naming the option and the accepted range
     */
    static int resolve(String option, Integer requested) {
        if (requested == null) {
            return Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors());
        }
        if (requested < 1 || requested > MAX_THREADS) {
            throw new IllegalArgumentException(option + " " + requested + " is out of range: give 1 to " + MAX_THREADS
                    + " threads (this machine has " + Runtime.getRuntime().availableProcessors()
                    + " processors; leave " + option + " out to use them all)");
        }
        return requested;
    }
}
