package dev.df11.tornado.forward.weights;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * The off-heap host memory a model needs on its way to the device, checked before anything is allocated. TornadoVM
 * keeps a host copy of every array it moves to a device, in off-heap memory that the JVM caps at
 * {@code -XX:MaxDirectMemorySize} (by default the heap size): without this check a model slightly too large for the
 * cap fails half-way through loading with a raw {@code OutOfMemoryError}.
 *
 * <p>The forward pass's weight and KV-cache arrays now live in anonymous mappings ({@link HostStaging}) that do not
 * count against that cap and hold one graph's weights at a time; {@link DeviceWeights} still checks the whole model's
 * arrays here, an upper bound (and exact where mappings are not available and the arrays come from arenas).
 */
public final class HostMemory {

    /** System property naming the setting users change (the launchers set it to their environment variable). */
    static final String SETTING_PROPERTY = "df11.offheap.setting";

    private HostMemory() {
    }

    /**
     * Checks that {@code needed} more bytes of off-heap memory fit under the JVM's limit.
     *
     * @param what what needs them, for the message (e.g. "the weights and KV cache of model X")
     * @throws InsufficientHostMemoryException naming the size, the limit and the setting to change
     */
    public static void require(long needed, String what) {
        long limit = offHeapLimit();
        long used = offHeapUsed();
        if (used + needed > limit) {
            throw new InsufficientHostMemoryException(what, needed, limit - used, limit, setting());
        }
    }

    /** Off-heap bytes still free under the JVM's limit. */
    public static long available() {
        return Math.max(0, offHeapLimit() - offHeapUsed());
    }

    /** The message for an off-heap {@code OutOfMemoryError} that slipped past {@link #require}. */
    public static InsufficientHostMemoryException explain(OutOfMemoryError e, String what) {
        return new InsufficientHostMemoryException(what, -1, Math.max(0, offHeapLimit() - offHeapUsed()),
                offHeapLimit(), setting(), e);
    }

    /** Whether {@code e} is the JVM running out of off-heap (direct) memory rather than heap. */
    public static boolean isOffHeap(OutOfMemoryError e) {
        return e.getMessage() != null && e.getMessage().contains("direct buffer memory");
    }

    /** The JVM's off-heap limit: {@code -XX:MaxDirectMemorySize}, or the heap's maximum when it is not set. */
    static long offHeapLimit() {
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        long set = vm == null ? 0 : Long.parseLong(vm.getVMOption("MaxDirectMemorySize").getValue());
        return set > 0 ? set : Runtime.getRuntime().maxMemory();
    }

    /** Off-heap bytes this JVM has reserved so far (direct buffers and native segments count alike). */
    static long offHeapUsed() {
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                return pool.getMemoryUsed();
            }
        }
        return 0;
    }

    private static String setting() {
        String setting = System.getProperty(SETTING_PROPERTY);
        return setting != null ? "the environment variable " + setting + " (e.g. " + setting + "=64g)"
                : "the JVM option -XX:MaxDirectMemorySize (e.g. -XX:MaxDirectMemorySize=64g)";
    }

    /** {@code bytes} in GiB with two decimals. */
    static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }

    /** The model does not fit the host's off-heap limit; the message says by how much and what to change. */
    public static final class InsufficientHostMemoryException extends RuntimeException {

        InsufficientHostMemoryException(String what, long needed, long free, long limit, String setting) {
            this(what, needed, free, limit, setting, null);
        }

        InsufficientHostMemoryException(String what, long needed, long free, long limit, String setting,
                Throwable cause) {
            super(what + (needed >= 0 ? " need " + gib(needed) : " ran out") + " of off-heap host memory (TornadoVM"
                    + " keeps a host copy of every array it moves to the device); " + gib(free) + " of the JVM's "
                    + gib(limit) + " off-heap limit " + (needed >= 0 ? "is" : "was") + " free. Raise the limit with "
                    + setting + ", use a machine with more memory, or a shorter --context", cause);
        }
    }
}
