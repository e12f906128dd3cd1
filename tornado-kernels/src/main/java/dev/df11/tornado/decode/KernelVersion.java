package dev.df11.tornado.decode;

/** The decode kernels of {@link DecodeKernels}, in rising sophistication. */
public enum KernelVersion {
    /** Tables in global memory, scattered global writes. */
    V1_GLOBAL("v1-global", "tables in global memory, each element written in place"),
    /** Tables in local memory, exponents staged in local memory, coalesced BF16 writes. */
    V2_STAGED("v2-staged", "tables in local memory, exponents staged in 8192-element slices, coalesced writes");

    private final String label;
    private final String description;

    KernelVersion(String label, String description) {
        this.label = label;
        this.description = description;
    }

    /** Short name used on the command line and in reports. */
    public String label() {
        return label;
    }

    /** One line saying what the version does. */
    public String description() {
        return description;
    }

    /** The version called {@code label} ({@code v1-global}, {@code v2-staged}, or just {@code v1}, {@code v2}). */
    public static KernelVersion parse(String label) {
        for (KernelVersion v : values()) {
            if (v.label.equals(label) || v.label.startsWith(label + "-")) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown kernel version '" + label + "'; known: v1-global, v2-staged");
    }
}
