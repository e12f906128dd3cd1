package dev.df11.runtime.inference;

import dev.df11.runtime.backend.Backend;
import dev.df11.runtime.backend.BackendProvider;
import dev.df11.runtime.backend.BackendUnavailableException;
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
        providers.add(new CpuProvider());
        ServiceLoader.load(BackendProvider.class).forEach(providers::add);
        return providers;
    }

    /** The built-in CPU backend; the only one that decodes on the host, so the only one that can prefetch. */
    private static final class CpuProvider implements BackendProvider {
        @Override
        public String name() {
            return "cpu";
        }

        @Override
        public Backend create(int threads) {
            return new CpuBackend(threads);
        }

        Backend create(int threads, String device, boolean prefetch) {
            if (device != null) {
                throw new BackendUnavailableException("backend 'cpu' has no devices to choose from; drop --device "
                        + device);
            }
            return new CpuBackend(threads, prefetch);
        }
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
        return create(name, threads, device, false);
    }

    /**
     * As {@link #create(String, int, String)}; {@code prefetch} asks a backend that decodes DF11 units on the host
     * (cpu) to decode the next unit in the background while the current one computes. A backend that decodes on
     * its device has no host decode to overlap and ignores it.
     */
    public static Backend create(String name, int threads, String device, boolean prefetch) {
        return create(name, threads, device, prefetch, null);
    }

    /**
     * As {@link #create(String, int, String, boolean)}, with the DF11 decode mode of a backend that decodes on its
     * device ({@code null}: its default; the CPU backend has none and refuses one).
     */
    public static Backend create(String name, int threads, String device, boolean prefetch, String decodeMode) {
        BackendProvider provider = provider(name);
        if (provider instanceof CpuProvider cpu) {
            if (decodeMode != null) {
                throw new IllegalArgumentException("--decode-mode applies to --backend tornado; the CPU backend"
                        + " decodes DF11 units on the host (drop --decode-mode " + decodeMode + ")");
            }
            return cpu.create(threads, device, prefetch);
        }
        return provider.create(threads, device, decodeMode);
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
