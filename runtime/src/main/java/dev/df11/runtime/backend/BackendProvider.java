package dev.df11.runtime.backend;

import java.util.List;

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

    /**
     * The devices this backend can run on, one line each, starting with the identifier {@code --device} takes; empty
     * when there is nothing to choose.
     */
    default List<String> devices() {
        return List.of();
    }

    /**
     * A new backend on the device {@code device} names (as {@link #devices()} lists it), or on the default device when
     * it is null. A device that does not exist is a {@link BackendUnavailableException} listing those that do.
     */
    default Backend create(int threads, String device) {
        if (device != null) {
            throw new BackendUnavailableException("backend '" + name() + "' has no devices to choose from; drop"
                    + " --device " + device);
        }
        return create(threads);
    }

    /**
     * As {@link #create(int, String)}, decoding DF11 units in the named mode ({@code null}: the backend's default).
     * Only backends that decode on a device have modes; the others refuse any.
     *
     * @throws IllegalArgumentException for a mode this backend does not know, naming the ones it does
     */
    default Backend create(int threads, String device, String decodeMode) {
        if (decodeMode != null) {
            throw new IllegalArgumentException("--decode-mode: backend '" + name() + "' has no decode modes (only"
                    + " --backend tornado does)");
        }
        return create(threads, device);
    }
}
