package dev.df11.runtime.backend;

/**
 * Makes backends of one kind. The CPU backend is built in; other modules (TornadoVM) register theirs as a
 * {@link java.util.ServiceLoader} service ({@code META-INF/services/dev.df11.runtime.backend.BackendProvider}).
 */
public interface BackendProvider {

    /** The name users pick it by, e.g. "cpu" or "tornado". */
    String name();

    /** Whether it can run here (a GPU backend without a device says no, with {@link #unavailableReason()}). */
    default boolean available() {
        return true;
    }

    default String unavailableReason() {
        return "";
    }

    /** A new backend using up to {@code threads} host threads. */
    Backend create(int threads);
}
