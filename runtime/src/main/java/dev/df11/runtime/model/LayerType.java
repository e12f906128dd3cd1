package dev.df11.runtime.model;

import java.util.Arrays;
import java.util.Optional;

/** The attention of one decoder layer, as transformers' {@code layer_types} names it. */
public enum LayerType {
    /** Every query attends to all earlier positions. */
    FULL_ATTENTION("full_attention"),
    /** Every query attends to the last {@code sliding_window} positions, itself included. */
    SLIDING_ATTENTION("sliding_attention");

    private final String key;

    LayerType(String key) {
        this.key = key;
    }

    /** The value in {@code layer_types} (and the key of per-layer-type {@code rope_parameters}). */
    public String key() {
        return key;
    }

    public static Optional<LayerType> fromKey(String key) {
        return Arrays.stream(values()).filter(t -> t.key.equals(key)).findFirst();
    }
}
