package dev.df11.tornado.backend;

import java.util.Locale;

/**
 * TornadoVM limits that its defaults set too low for whole models, read once from system properties when TornadoVM's
 * classes initialise. The backend raises the defaults the user left unset before TornadoVM starts, and checks a
 * model's device memory against the cap in force, so that a too-small cap is a message naming the property, not an
 * allocation failure deep in TornadoVM.
 * <ul>
 * <li>{@code tornado.device.memory}: the device memory TornadoVM hands out, 4 GB by default, which would refuse any
 * model above about two billion BF16 parameters; raised above any single GPU's memory, so the device is the limit;</li>
 * <li>{@code tornado.tvm.maxbytecodesize}: TornadoVM's bytecode buffer per task graph, 4 KiB by default, about one
 * decoder layer's worth of tasks and transfers; raised so that graphs of several layers fit;</li>
 * <li>{@code tornado.max.events}: the length of each of the interpreter's event wait lists, 32,768 by default.
 * TornadoVM clears every list before each graph execution, which at that length is a memset of megabytes on the
 * host per graph, with the GPU idle meanwhile (the README has the measurement). A list holds one event per transfer or launch a later step waits on, a few dozen
 * per layer; lowered to 1,024, which still covers graphs of 32 layers (an overflow fails loudly, as an index
 * out of bounds).</li>
 * </ul>
 */
public final class TornadoSettings {

    /** The device memory cap TornadoVM reads. */
    public static final String PROPERTY = "tornado.device.memory";
    /** TornadoVM's bytecode buffer size per task graph. */
    public static final String BYTECODE_PROPERTY = "tornado.tvm.maxbytecodesize";
    static final String RAISED_DEFAULT = "512GB";
    static final String RAISED_BYTECODE = "1048576";
    /** Length of each of TornadoVM's event wait lists. */
    public static final String EVENTS_PROPERTY = "tornado.max.events";
    static final String LOWERED_EVENTS = "1024";
    private static final String TORNADO_DEFAULT = "4GB";

    private TornadoSettings() {
    }

    /** Adjusts the defaults the user did not set; effective only before TornadoVM initialises. */
    public static void raiseDefaults() {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, RAISED_DEFAULT);
        }
        if (System.getProperty(BYTECODE_PROPERTY) == null) {
            System.setProperty(BYTECODE_PROPERTY, RAISED_BYTECODE);
        }
        if (System.getProperty(EVENTS_PROPERTY) == null) {
            System.setProperty(EVENTS_PROPERTY, LOWERED_EVENTS);
        }
    }

    /** The cap in bytes, parsed as TornadoVM parses it ({@code 4GB}, {@code 512MB}, plain bytes). */
    static long bytes() {
        String value = System.getProperty(PROPERTY, TORNADO_DEFAULT).trim().toUpperCase(Locale.ROOT);
        try {
            if (value.endsWith("B") && value.length() > 1) {
                int prefix = "KMGTPE".indexOf(value.charAt(value.length() - 2));
                if (prefix >= 0) {
                    return Long.parseLong(value.substring(0, value.length() - 2)) << (10 * (prefix + 1));
                }
                return Long.parseLong(value.substring(0, value.length() - 1));
            }
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + value + " is not a size like 64GB", e);
        }
    }

    /** Throws a message naming the property when {@code needed} bytes exceed the cap. */
    static void require(long needed) {
        long cap = bytes();
        if (needed > cap) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "the model needs %.2f GiB of device memory"
                    + " but TornadoVM is capped at %.2f GiB (-D%s); start the JVM with -D%s=%dGB (bin/df11:"
                    + " DF11_JAVA_OPTS=-D%s=%dGB)", needed / 1073741824.0, cap / 1073741824.0, PROPERTY, PROPERTY,
                    (needed >> 30) + 2, PROPERTY, (needed >> 30) + 2));
        }
    }
}
