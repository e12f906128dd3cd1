package dev.df11.tornado.backend;

import java.util.Locale;

/**
 * TornadoVM's own cap on the device memory it hands out ({@code -Dtornado.device.memory}, 4 GB unless set), which
 * would refuse any model above about two billion BF16 parameters. The backend raises the default before TornadoVM
 * starts (the property is read once, when TornadoVM initialises) and checks a model's needs against the cap in force,
 * so that a too-small cap is a message naming the property, not an allocation failure deep in TornadoVM.
 */
public final class DeviceMemoryLimit {

    /** The property TornadoVM reads. */
    public static final String PROPERTY = "tornado.device.memory";
    /** The default this backend asks for: above any single GPU's memory, so the device itself is the limit. */
    static final String RAISED_DEFAULT = "512GB";
    private static final String TORNADO_DEFAULT = "4GB";

    private DeviceMemoryLimit() {
    }

    /** Sets the cap to {@link #RAISED_DEFAULT} unless the user set it; call before TornadoVM initialises. */
    public static void raiseDefault() {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, RAISED_DEFAULT);
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
