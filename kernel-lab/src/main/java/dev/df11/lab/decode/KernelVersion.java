package dev.df11.lab.decode;

import dev.df11.tornado.decode.DecodeKernels;
import dev.df11.tornado.decode.PackedInputs;
import dev.df11.tornado.decode.ExponentPlaneKernels;

/**
 * The decode-kernel ladder, in rising sophistication: the lab's versions ({@link BaselineKernels},
 * {@link OneDecodeKernels}, {@link PairDecodeKernels}, {@link WordWriteKernels}) and the two the product ships
 * ({@link #inProduct()}), all sharing the launch shape of {@link DecodeKernels}.
 */
public enum KernelVersion {
    /** Tables in global memory, scattered global writes. */
    V1_GLOBAL("v1-global", "tables in global memory, each element written in place"),
    /** Tables in local memory, exponents staged in local memory, coalesced BF16 writes. */
    V2_STAGED("v2-staged", "tables in local memory, exponents staged in 8192-element slices, coalesced writes"),
    /** Packed int tables, word loads, split loops, two-level scan, one pass through a 16,384-element stage. */
    V3_SINGLE_PASS("v3-single-pass", "packed int tables, word loads, split loops, 3-barrier scan, one pass through a"
            + " 16,384-element stage"),
    /** v3 with one decode: phase 1 keeps its exponents in local memory, phase 2 moves them into place. */
    V3B_ONE_DECODE("v3b-one-decode", "v3 without the second decode: phase 1 keeps 32 exponents per work-item in"
            + " local memory, phase 2 moves them to a 4-per-word stage"),
    /** v3b decoding two codes per lookup where one byte holds both. */
    V3C_PAIRS("v3c-pairs", "v3b with a two-code root table: one lookup decodes both codes when a byte holds two"),
    /** v3c writing four elements per step as two output ints, the stage aligned to the global index. */
    V3D_WORD_WRITES("v3d-word-writes", "v3c with an aligned stage: four elements per step, sign/mantissa read and"
            + " BF16 written as ints"),
    /** v3d compiled with at most 32 registers per work-item on NVIDIA devices (full occupancy). */
    V3E_CAPPED("v3e-capped", "v3d compiled for at most 32 registers on NVIDIA (4 work-groups of 512 per SM)"),
    /**
     * v3d writing only an exponent plane (four 8-bit exponents per int), up to three codes per lookup in phase 1;
     * shared quads joined by a second kernel.
     */
    V3F_EXPONENT_PLANE("v3f-exponent-plane", "v3d writing only the exponents, four per int (an exponent plane the"
            + " consumer combines with the sign/mantissa words), up to three codes per root lookup; quads shared by"
            + " two blocks joined by a second kernel");

    /** Registers per work-item the NVIDIA compilers are asked to stay within; 0 for no request. */
    public int registerCap() {
        return this == V3E_CAPPED ? 32 : 0;
    }

    /** Whether the product ships this kernel (bound by its {@code KernelBinding}; the lab reaches it through the API). */
    public boolean inProduct() {
        return this == V3_SINGLE_PASS || this == V3F_EXPONENT_PLANE;
    }

    /** Whether the kernel writes the output as ints (two BF16 each) rather than shorts. */
    public boolean writesWords() {
        return this == V3D_WORD_WRITES || this == V3E_CAPPED;
    }

    /**
     * Whether the kernel writes an exponent plane ({@code IntArray}, element {@code i}'s exponent in byte
     * {@code i & 3} of int {@code i >> 2}) instead of BF16 values; see {@link ExponentPlaneKernels}.
     */
    public boolean writesExponents() {
        return this == V3F_EXPONENT_PLANE;
    }

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
