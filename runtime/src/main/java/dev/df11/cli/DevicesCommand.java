package dev.df11.cli;

import dev.df11.runtime.backend.BackendProvider;
import dev.df11.runtime.inference.Backends;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;

/**
 * {@code df11 devices}: the backends this installation has and the devices each can run on, with the identifiers
 * {@code generate --backend B --device D} takes. A backend that cannot run here says why instead.
 */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "List the backends and their devices (the ids that generate --device takes).")
public final class DevicesCommand extends Df11Command {

    @Option(names = "--backend", paramLabel = "<name>", description = "Only this backend.")
    String backend;

    @Override
    protected int run() {
        List<BackendProvider> providers = backend == null ? Backends.providers() : List.of(find(backend));
        for (BackendProvider provider : providers) {
            if (!provider.available()) {
                out().println(provider.name() + ": not available here: " + provider.unavailableReason());
                continue;
            }
            List<String> devices = provider.devices();
            out().println(provider.name() + (devices.isEmpty() ? ": one device (no --device needed)" : ":"));
            for (String device : devices) {
                out().println("  " + device);
            }
        }
        out().flush();
        return 0;
    }

    private static BackendProvider find(String name) {
        for (BackendProvider provider : Backends.providers()) {
            if (provider.name().equals(name)) {
                return provider;
            }
        }
        throw new IllegalArgumentException("no backend '" + name + "'; available: " + String.join(", ",
                Backends.providers().stream().map(BackendProvider::name).toList()));
    }
}
