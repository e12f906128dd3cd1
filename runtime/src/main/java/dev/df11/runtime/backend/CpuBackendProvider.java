package dev.df11.runtime.backend;

import dev.df11.runtime.cpu.CpuBackend;

import java.util.List;

/** The pure-Java backend: always available, one device (this machine's cores). */
public final class CpuBackendProvider implements BackendProvider {

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String description() {
        return "pure Java, Vector API on all cores; the reference backend";
    }

    @Override
    public List<String> devices() {
        return List.of("cpu - " + Runtime.getRuntime().availableProcessors() + " processors");
    }

    @Override
    public Backend create(BackendSettings settings) {
        if (settings.device() != null && !settings.device().equals("cpu") && !settings.device().equals("0")) {
            throw new BackendUnavailableException("the cpu backend has one device, 'cpu'; got --device "
                    + settings.device());
        }
        return new CpuBackend(settings.threads());
    }
}
