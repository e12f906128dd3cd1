package dev.df11.runtime.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Finds {@link BackendProvider}s on the class path by name ({@code --backend cpu}, {@code --backend tornado}). */
public final class Backends {

    private Backends() {
    }

    /** Every provider found, the CPU backend first. */
    public static List<BackendProvider> providers() {
        List<BackendProvider> found = new ArrayList<>();
        for (BackendProvider provider : ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader())) {
            found.add(provider);
        }
        found.sort((a, b) -> a.name().equals("cpu") ? -1 : b.name().equals("cpu") ? 1 : a.name().compareTo(b.name()));
        return found;
    }

    /**
     * The provider called {@code name}.
     *
     * @throws BackendUnavailableException naming the backends that are installed when none is called so
     */
    public static BackendProvider provider(String name) {
        List<String> names = new ArrayList<>();
        for (BackendProvider provider : providers()) {
            if (provider.name().equals(name)) {
                return provider;
            }
            names.add(provider.name());
        }
        String hint = name.equals("tornado")
                ? "; the TornadoVM backend needs the df11-tornado-kernels jar on the class path and a TornadoVM SDK"
                + " (set TORNADO_SDK and run scripts/df11, which adds both)"
                : "";
        throw new BackendUnavailableException("no backend '" + name + "' (installed: " + String.join(", ", names)
                + ")" + hint);
    }

    /** A backend of provider {@code name} for {@code settings}. */
    public static Backend create(String name, BackendSettings settings) {
        return provider(name).create(settings);
    }
}
