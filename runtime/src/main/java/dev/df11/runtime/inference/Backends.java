package dev.df11.runtime.inference;

import dev.df11.runtime.backend.Backend;
import dev.df11.runtime.backend.BackendProvider;
import dev.df11.runtime.cpu.CpuBackend;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Finds a backend by name among the built-in CPU backend and those registered with {@link ServiceLoader}. */
public final class Backends {

    private Backends() {
    }

    /** Every provider: "cpu" first, then registered ones. */
    public static List<BackendProvider> providers() {
        List<BackendProvider> providers = new ArrayList<>();
        providers.add(new BackendProvider() {
            @Override
            public String name() {
                return "cpu";
            }

            @Override
            public Backend create(int threads) {
                return new CpuBackend(threads);
            }
        });
        ServiceLoader.load(BackendProvider.class).forEach(providers::add);
        return providers;
    }

    /** A backend of the named kind; throws naming the available ones when there is none or it cannot run here. */
    public static Backend create(String name, int threads) {
        return create(name, threads, null);
    }

    /**
     * A backend of the named kind on the named device ({@code null}: its default device); throws naming the available
     * backends, or the devices, when there is no such one.
     */
    public static Backend create(String name, int threads, String device) {
        return provider(name).create(threads, device);
    }

    /** The provider of the named kind, checked to be able to run here. */
    public static BackendProvider provider(String name) {
        List<BackendProvider> providers = providers();
        for (BackendProvider provider : providers) {
            if (provider.name().equals(name)) {
                if (!provider.available()) {
                    throw new IllegalArgumentException("backend '" + name + "' cannot run here: "
                            + provider.unavailableReason());
                }
                return provider;
            }
        }
        String hint = name.equals("tornado") ? " (the TornadoVM backend needs its jar and a TornadoVM SDK: set"
                + " TORNADO_SDK and run `scripts/df11 --tornado ...`, or the GPU bundle's bin/df11)" : "";
        throw new IllegalArgumentException("no backend '" + name + "'; available: "
                + String.join(", ", providers.stream().map(BackendProvider::name).toList()) + hint);
    }
}
