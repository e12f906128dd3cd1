package dev.df11.cli;

import picocli.CommandLine.Option;

/** {@code --threads N}: worker threads for encoding and decoding (default: all processors). */
final class ThreadsOption {

    @Option(names = {"-t", "--threads"}, paramLabel = "N",
            description = "Worker threads (default: all processors).")
    Integer threads;

    int value() {
        if (threads != null && threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        }
        return threads != null ? threads : Runtime.getRuntime().availableProcessors();
    }
}
