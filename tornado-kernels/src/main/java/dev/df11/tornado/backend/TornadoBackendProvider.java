package dev.df11.tornado.backend;

import dev.df11.tornado.device.TornadoDevices;
import dev.df11.tornado.forward.weights.DecodeMode;
import dev.df11.runtime.backend.Backend;
import dev.df11.runtime.backend.BackendProvider;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * {@code --backend tornado}: the TornadoVM backend, registered for {@link java.util.ServiceLoader}. Loading this class
 * needs nothing from TornadoVM; {@link #devices} and {@link #create} first check that the TornadoVM runtime is on the
 * JVM's module path and can start, and report what is missing otherwise.
 */
public final class TornadoBackendProvider implements BackendProvider {

    /**
     * The device string of {@code --devices auto}: the fewest GPUs like TornadoVM's default device that hold the model
     * (one when it fits one), chosen at load by {@link dev.df11.tornado.forward.weights.DeviceChoice}.
     */
    public static final String AUTO = "auto";

    /** Created by the ServiceLoader before anything starts TornadoVM: the moment to lift its memory cap. */
    public TornadoBackendProvider() {
        TornadoSettings.raiseDefaults();
    }

    @Override
    public String name() {
        return "tornado";
    }

    @Override
    public boolean available() {
        return TornadoRuntimeCheck.problem() == null;
    }

    @Override
    public String unavailableReason() {
        String problem = TornadoRuntimeCheck.problem();
        return problem == null ? "" : problem;
    }

    @Override
    public List<String> devices() {
        TornadoRuntimeCheck.require();
        return DeviceSelection.describeAll();
    }

    @Override
    public Backend create(int threads) {
        return create(threads, null);
    }

    @Override
    public Backend create(int threads, String device) {
        return create(threads, device, null);
    }

    @Override
    public Backend create(int threads, String device, String decodeMode) {
        return create(device, decodeMode, UnaryOperator.identity());
    }

    /**
     * The backend {@code --device} and {@code --decode-mode} ask for, with its options changed by {@code adjust}
     * before it loads (a benchmark that profiles its kernels, say).
     */
    public static TornadoBackend create(String device, String decodeMode, UnaryOperator<TornadoBackendOptions> adjust) {
        DecodeMode mode = TornadoBackendOptions.DEFAULT_DECODE_MODE;
        if (decodeMode != null) {
            try {
                mode = DecodeMode.parse(decodeMode);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--decode-mode: " + e.getMessage(), e);
            }
        }
        TornadoRuntimeCheck.require();
        TornadoBackendOptions options = adjust.apply(TornadoBackendOptions.defaults().withDevice(device)
                .withDecodeMode(mode));
        if (AUTO.equals(device)) {
            List<TornadoDevices.Listed> like = TornadoDevices.like(DeviceSelection.select(null));
            return TornadoBackend.auto(options, like.stream().map(TornadoDevices.Listed::device).toList(),
                    like.stream().map(TornadoDevices.Listed::id).toList(), null);
        }
        if (device != null && device.contains(",")) {
            return new TornadoBackend(options, DeviceSelection.selectAll(device), null);
        }
        return new TornadoBackend(options, DeviceSelection.select(device));
    }
}
