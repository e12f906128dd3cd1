package dev.df11.runtime.backend;

import java.util.List;

/**
 * A source of {@link Backend}s for the {@code --backend} option, found with {@link java.util.ServiceLoader}: modules
 * the runtime cannot depend on (the TornadoVM backend in {@code tornado-kernels}) register an implementation in
 * {@code META-INF/services/dev.df11.runtime.backend.BackendProvider}. {@link Backends} looks providers up by name.
 *
 * <p>Loading a provider must not need its backend's native stack: only {@link #devices} and {@link #create} may touch
 * it, and they report a missing SDK, driver or device as a {@link BackendUnavailableException} with a message a user
 * can act on, never as a linkage error.
 */
public interface BackendProvider {

    /** The name {@code --backend} selects, e.g. "cpu" or "tornado". */
    String name();

    /** One line saying what the backend is, for listings. */
    String description();

    /**
     * The devices this backend can run on, one line each, starting with the identifier {@code --device} takes.
     *
     * @throws BackendUnavailableException when the backend cannot run here at all (the reason in the message)
     */
    List<String> devices();

    /**
     * A backend on the device {@code settings.device()} names (null for the provider's default).
     *
     * @throws BackendUnavailableException when the backend or the device is not available here
     */
    Backend create(BackendSettings settings);
}
