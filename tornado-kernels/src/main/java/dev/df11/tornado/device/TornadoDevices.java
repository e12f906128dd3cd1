package dev.df11.tornado.device;

import uk.ac.manchester.tornado.api.TornadoBackend;
import uk.ac.manchester.tornado.api.TornadoRuntime;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.runtime.TornadoRuntimeProvider;

import java.util.ArrayList;
import java.util.List;

/** Finds TornadoVM devices by the {@code backend:device} indices that {@code tornado --devices} prints. */
public final class TornadoDevices {

    private TornadoDevices() {
    }

    /**
     * The device named by {@code spec}: {@code "B:D"} (backend index, device index), or null/empty/"default" for
     * TornadoVM's default device.
     */
    public static TornadoDevice select(String spec) {
        TornadoRuntime runtime = TornadoRuntimeProvider.getTornadoRuntime();
        if (spec == null || spec.isBlank() || spec.equals("default")) {
            return runtime.getDefaultDevice();
        }
        String[] parts = spec.split(":");
        if (parts.length != 2) {
            throw new IllegalArgumentException("device '" + spec + "' is not BACKEND:DEVICE, e.g. 0:0; devices: "
                    + describeAll());
        }
        int backend = Integer.parseInt(parts[0].trim());
        int device = Integer.parseInt(parts[1].trim());
        if (backend < 0 || backend >= runtime.getNumBackends()
                || device < 0 || device >= runtime.getBackend(backend).getNumDevices()) {
            throw new IllegalArgumentException("no TornadoVM device " + spec + "; devices: " + describeAll());
        }
        return runtime.getBackend(backend).getDevice(device);
    }

    /** The {@code B:D} id of {@code device}, as {@link #select} reads it. */
    public static String id(TornadoDevice device) {
        TornadoRuntime runtime = TornadoRuntimeProvider.getTornadoRuntime();
        int b = device.getBackendIndex();
        TornadoBackend backend = runtime.getBackend(b);
        for (int d = 0; d < backend.getNumDevices(); d++) {
            if (backend.getDevice(d) == device || backend.getDevice(d).equals(device)) {
                return b + ":" + d;
            }
        }
        throw new IllegalArgumentException("device " + describe(device) + " is not among backend " + b + "'s");
    }

    /** One line per device: {@code B:D backend - name}. */
    public static List<String> describeAll() {
        TornadoRuntime runtime = TornadoRuntimeProvider.getTornadoRuntime();
        List<String> lines = new ArrayList<>();
        for (int b = 0; b < runtime.getNumBackends(); b++) {
            TornadoBackend backend = runtime.getBackend(b);
            for (int d = 0; d < backend.getNumDevices(); d++) {
                lines.add(b + ":" + d + " " + backend.getName() + " - " + describe(backend.getDevice(d)));
            }
        }
        return lines;
    }

    /** The device's name and platform. */
    public static String describe(TornadoDevice device) {
        return device.getPhysicalDevice().getDeviceName() + " (" + device.getPlatformName() + ", "
                + device.getTornadoVMBackend() + ")";
    }

    /** A device and the {@code B:D} id that names it. */
    public record Listed(String id, TornadoDevice device) {
    }

    /**
     * The devices like {@code device} ({@code --devices auto}'s candidates): those of its TornadoVM backend with the
     * same type and name (the same GPU model), in index order, {@code device} itself first.
     */
    public static List<Listed> like(TornadoDevice device) {
        TornadoRuntime runtime = TornadoRuntimeProvider.getTornadoRuntime();
        int b = device.getBackendIndex();
        TornadoBackend backend = runtime.getBackend(b);
        String model = device.getPhysicalDevice().getDeviceName();
        List<Listed> like = new ArrayList<>();
        for (int d = 0; d < backend.getNumDevices(); d++) {
            TornadoDevice other = backend.getDevice(d);
            boolean self = other == device || other.getDeviceName().equals(device.getDeviceName());
            if (self) {
                like.add(0, new Listed(b + ":" + d, other));
            } else if (other.getDeviceType() == device.getDeviceType()
                    && other.getPhysicalDevice().getDeviceName().equals(model)) {
                like.add(new Listed(b + ":" + d, other));
            }
        }
        if (like.isEmpty() || !like.get(0).device().getDeviceName().equals(device.getDeviceName())) {
            like.add(0, new Listed("default", device));   // not found among its backend's devices: by its role
        }
        return like;
    }
}
