package dev.df11.cli;

import picocli.CommandLine.Option;

/**
 * {@code --device} and {@code --devices}: where a backend runs, for {@code generate}, {@code chat} and {@code serve}
 * alike. {@link #resolve} turns them into the one device string a backend takes (one id, a comma-separated pipeline,
 * {@code auto}, or null for the backend's default device), checking them before anything is loaded.
 */
public final class DeviceOptions {

    /** {@code --devices auto}: the backend picks its devices (the TornadoVM backend: as few as hold the model). */
    public static final String AUTO = "auto";

    @Option(names = "--device", paramLabel = "<id>", description = "Device of the backend, as `df11 devices` lists it "
            + "(default: the backend's default device).")
    String device;

    @Option(names = "--devices", paramLabel = "auto|B:D,B:D,...", description = "--backend tornado: run the model "
            + "as a pipeline over these devices (ids as `df11 devices` lists them, in order; consecutive decoder blocks "
            + "on each in proportion to its memory, the output unit on the last). `auto`: the fewest GPUs like the "
            + "default device that hold the model (one when it fits one). Prints the memory plan and refuses one that "
            + "does not fit.")
    String devices;

    /**
     * What the backend gets as its device: {@code --device}, or {@code --devices} (a comma-separated list of two or
     * more ids, or {@code auto}, which only the TornadoVM backend takes), or null for the default device.
     *
     * @throws IllegalArgumentException naming the option and what to give instead
     */
    public String resolve(String backend) {
        if (devices == null) {
            return device;
        }
        if (device != null) {
            throw new IllegalArgumentException("--device and --devices both given: use --devices B:D,B:D,... (or "
                    + "--devices auto) for a pipeline over several devices, or --device for one");
        }
        if (!"tornado".equals(backend)) {
            throw new IllegalArgumentException("--devices runs a pipeline over TornadoVM devices: add --backend "
                    + "tornado (backend '" + backend + "' runs on one device)");
        }
        if (devices.isBlank()) {
            throw new IllegalArgumentException("--devices is empty: give B:D,B:D,... (ids as `df11 devices` lists "
                    + "them) or auto");
        }
        if (devices.trim().equals(AUTO)) {
            return AUTO;
        }
        if (devices.split(",", -1).length < 2) {
            throw new IllegalArgumentException("--devices '" + devices + "' names one device; give two or more "
                    + "(B:D,B:D,...), --devices auto to let the backend choose, or --device for one");
        }
        return devices;
    }
}
