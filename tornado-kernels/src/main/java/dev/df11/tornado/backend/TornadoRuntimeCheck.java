package dev.df11.tornado.backend;

import dev.df11.runtime.backend.BackendUnavailableException;

/**
 * Whether this JVM can run TornadoVM: its API and runtime must be on the module path (the {@code tornado} launcher's
 * flags, which {@code scripts/df11} adds when {@code TORNADO_SDK} is set), and its runtime must start (a driver and
 * at least one device). Touches TornadoVM only reflectively, so that a JVM without it gets a message, not a
 * {@link NoClassDefFoundError}.
 */
final class TornadoRuntimeCheck {

    private static final String API = "uk.ac.manchester.tornado.api.TornadoExecutionPlan";
    private static final String PROVIDER = "uk.ac.manchester.tornado.api.runtime.TornadoRuntimeProvider";

    private TornadoRuntimeCheck() {
    }

    /** Throws a {@link BackendUnavailableException} saying what is missing, unless TornadoVM can run. */
    static void require() {
        String problem = problem();
        if (problem != null) {
            throw new BackendUnavailableException(problem);
        }
    }

    /** The outcome of the one check per JVM: "" when TornadoVM can run, else what keeps it from running. */
    private static volatile String outcome;

    /** What keeps TornadoVM from running in this JVM, or null when it can run. */
    static String problem() {
        String known = outcome;
        if (known == null) {
            try {
                check();
                known = "";
            } catch (BackendUnavailableException e) {
                known = e.getMessage();
            }
            outcome = known;
        }
        return known.isEmpty() ? null : known;
    }

    private static void check() {
        try {
            Class.forName(API);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new BackendUnavailableException("the TornadoVM backend needs a TornadoVM SDK: this JVM has no"
                    + " TornadoVM on its module path. Set TORNADO_SDK to the SDK folder and start df11 with"
                    + " `scripts/df11 --tornado ...` (or the GPU bundle's bin/df11), which add TornadoVM's JVM flags",
                    e);
        }
        try {
            Object runtime = Class.forName(PROVIDER).getMethod("getTornadoRuntime").invoke(null);
            int backends = (int) runtime.getClass().getMethod("getNumBackends").invoke(runtime);
            if (backends == 0) {
                throw new BackendUnavailableException("TornadoVM started but found no backend (no OpenCL or PTX"
                        + " driver); check `tornado --devices`");
            }
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            if (e instanceof BackendUnavailableException unavailable) {
                throw unavailable;
            }
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ite && ite.getCause() != null
                    ? ite.getCause() : e;
            throw new BackendUnavailableException("TornadoVM could not start: " + cause
                    + "; check the SDK (TORNADO_SDK) and the device drivers with `tornado --devices`", cause);
        }
    }
}
