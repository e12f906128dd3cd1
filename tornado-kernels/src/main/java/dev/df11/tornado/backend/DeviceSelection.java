package dev.df11.tornado.backend;

import dev.df11.runtime.backend.BackendUnavailableException;
import dev.df11.tornado.device.TornadoDevices;
import uk.ac.manchester.tornado.api.common.TornadoDevice;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code --device} for the TornadoVM backend: {@code B:D} (TornadoVM backend index and device index, as
 * {@code tornado --devices} numbers them), a plain {@code D} for device D of backend 0, or nothing for TornadoVM's
 * default device; several, comma-separated, for a pipeline over devices ({@code --devices}). A device that does not
 * exist is reported with the list of those that do.
 */
final class DeviceSelection {

    private DeviceSelection() {
    }

    static List<String> describeAll() {
        return TornadoDevices.describeAll();
    }

    /**
     * The devices of a pipeline, {@code B:D,B:D,...} in pipeline order (a device may be named more than once: each
     * entry gets an execution plan of its own).
     */
    static List<TornadoDevice> selectAll(String specs) {
        List<TornadoDevice> devices = new ArrayList<>();
        for (String spec : specs.split(",", -1)) {
            if (spec.isBlank()) {
                throw new IllegalArgumentException("--devices '" + specs + "' has an empty entry; expected B:D,B:D,..."
                        + " (`df11 devices` lists the ids)");
            }
            devices.add(select(spec.trim()));
        }
        return devices;
    }

    static TornadoDevice select(String spec) {
        String normalized = spec == null || spec.isBlank() || spec.contains(":") || spec.equals("default")
                ? spec : "0:" + spec.trim();
        try {
            return TornadoDevices.select(normalized);
        } catch (IllegalArgumentException e) {
            throw new BackendUnavailableException("no TornadoVM device '" + spec + "'. Devices:\n  "
                    + String.join("\n  ", describeAll()), e);
        }
    }
}
