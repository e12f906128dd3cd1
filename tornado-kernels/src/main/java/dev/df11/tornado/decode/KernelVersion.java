package dev.df11.tornado.decode;

/** The decode kernels of {@link DecodeKernels}, in rising sophistication. */
public enum KernelVersion {
    /** Tables in global memory, scattered global writes. */
    V1_GLOBAL("v1-global", "tables in global memory, each element written in place"),
    /** Tables in local memory, exponents staged in local memory, coalesced BF16 writes. */
    V2_STAGED("v2-staged", "tables in local memory, exponents staged in 8192-element slices, coalesced writes"),
    /** Packed int tables, word loads, split loops, two-level scan, one pass through a 16,384-element stage. */
    V3_SINGLE_PASS("v3-single-pass", "packed int tables, word loads, split loops, 3-barrier scan, one pass through a"
            + " 16,384-element stage");

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

    /** Whether the kernel reads {@link PackedInputs} rather than the raw tables and stream bytes. */
    public boolean usesPackedInputs() {
        return ordinal() >= V3_SINGLE_PASS.ordinal();
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
        throw new IllegalArgumentException("unknown kernel version '" + label + "'; known: " + labels());
    }

    /** All labels, comma-separated, in rising sophistication. */
    public static String labels() {
        StringBuilder all = new StringBuilder();
        for (KernelVersion v : values()) {
            all.append(all.isEmpty() ? "" : ",").append(v.label);
        }
        return all.toString();
    }
}
