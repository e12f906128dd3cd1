package dev.df11.tornado.forward.weights;

import java.util.Locale;

/**
 * {@code --decode-mode auto} ({@link DecodeMode#AUTO}): {@link DecodeMode#NIBBLE} when the model fits with it as well
 * as with {@link DecodeMode#EXACT} (on no more devices, with as many KV slots), else exact. Nibble reads a 4-bit code
 * a weight in the product kernels, with no decode pass (on an H100 0.885x BF16's tokens/s at batch 1 on the
 * Llama-3.1-8B shape, exact 0.41x); exact keeps DF11's smaller footprint (68% of BF16 plus one decode buffer, against
 * nibble's 75%), which is what lets a model fit that otherwise would not. Decided from sizes alone, so it is tested
 * without a device; the backend measures each mode's {@link Fit} with the same plans it loads with.
 */
public final class DecodeModeChoice {

    private DecodeModeChoice() {
    }

    /**
     * What a decode mode allows: the devices the model takes with it and the KV slots that fit ({@code devices} 0
     * when it does not fit at all), and its device bytes of weights.
     */
    public record Fit(int devices, int sequences, long weightBytes) {

        /** The fit of a mode the model does not fit with. */
        public static Fit none(long weightBytes) {
            return new Fit(0, 0, weightBytes);
        }

        boolean fits() {
            return devices > 0 && sequences > 0;
        }
    }

    /** The mode chosen, and why, for the line the backend prints. */
    public record Choice(DecodeMode mode, String reason) {
    }

    /**
     * Nibble where it fits as well as exact, else exact (also when neither fits: exact's plan is the smaller, and its
     * refusal says what would fit).
     *
     * @param requested the KV slots asked for (1 outside serving)
     */
    public static Choice choose(Fit nibble, Fit exact, int requested) {
        String sizes = " (weights " + MemoryPlan.gib(nibble.weightBytes()) + " with nibble, "
                + MemoryPlan.gib(exact.weightBytes()) + " with exact)";
        if (!nibble.fits()) {
            return new Choice(DecodeMode.EXACT, (exact.fits() ? "exact: the model does not fit with nibble's layout"
                    : "exact: the model fits with neither layout, and exact's plan says why") + sizes);
        }
        if (exact.fits() && nibble.devices() > exact.devices()) {
            return new Choice(DecodeMode.EXACT, String.format(Locale.ROOT,
                    "exact: nibble's layout needs %d devices, exact %d%s", nibble.devices(), exact.devices(), sizes));
        }
        if (exact.fits() && nibble.sequences() < exact.sequences()) {
            return new Choice(DecodeMode.EXACT, String.format(Locale.ROOT,
                    "exact: nibble's layout leaves room for %d of %d sequence slots, exact for %d%s",
                    nibble.sequences(), requested, exact.sequences(), sizes));
        }
        return new Choice(DecodeMode.NIBBLE, "nibble: the model fits with it as well as with exact, and it runs"
                + " faster" + sizes);
    }
}
