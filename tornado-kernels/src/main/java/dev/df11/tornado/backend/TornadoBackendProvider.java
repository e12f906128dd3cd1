package dev.df11.tornado.backend;

import dev.df11.runtime.backend.Backend;
import dev.df11.runtime.backend.BackendProvider;
import dev.df11.runtime.backend.BackendSettings;
import dev.df11.runtime.backend.BackendUnavailableException;

import java.util.List;

/**
 * {@code --backend tornado}: the TornadoVM backend, registered for {@link java.util.ServiceLoader}. Loading this class
 * needs nothing from TornadoVM; {@link #devices} and {@link #create} first check that the TornadoVM runtime is on the
 * JVM's module path and can start, and report what is missing otherwise.
 */
public final class TornadoBackendProvider implements BackendProvider {

    @Override
    public String name() {
        return "tornado";
    }

    @Override
    public String description() {
        return "TornadoVM (OpenCL or PTX): DF11 units decoded on the device, block by block";
    }

    @Override
    public List<String> devices() {
        TornadoRuntimeCheck.require();
        return DeviceSelection.describeAll();
    }

    @Override
    public Backend create(BackendSettings settings) {
        TornadoRuntimeCheck.require();
        TornadoBackendOptions options = TornadoBackendOptions.defaults().withDevice(settings.device());
        return new TornadoBackend(options, DeviceSelection.select(settings.device()));
    }
}
