package dev.df11.tornado.backend;

import dev.df11.runtime.backend.BackendUnavailableException;
import dev.df11.tornado.device.TornadoDevices;
import uk.ac.manchester.tornado.api.common.TornadoDevice;

import java.util.List;

/**
 * {@code --device} for the TornadoVM backend: {@code B:D} (TornadoVM backend index and device index, as
 * {@code tornado --devices} numbers them), a plain {@code D} for device D of backend 0, or nothing for TornadoVM's
 * default device. A device that does not exist is reported with the list of those that do.
 */
final class DeviceSelection {

    private DeviceSelection() {
    }

    static List<String> describeAll() {
        return TornadoDevices.describeAll();
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
