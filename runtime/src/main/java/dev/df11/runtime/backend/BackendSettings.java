package dev.df11.runtime.backend;

/**
 * What the command line asks of a backend.
 *
 * @param device  the device identifier (as {@link BackendProvider#devices()} lists it), or null for the default
 * @param threads host threads the backend may use (the CPU backend's parallelism)
 */
public record BackendSettings(String device, int threads) {

    public BackendSettings {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
    }

    /** The default device and all processors. */
    public static BackendSettings defaults() {
        return new BackendSettings(null, Runtime.getRuntime().availableProcessors());
    }
}
