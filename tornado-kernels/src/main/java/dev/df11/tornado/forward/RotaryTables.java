package dev.df11.tornado.forward;

import dev.df11.runtime.model.ModelConfig;
import dev.df11.runtime.model.RopeParameters;
import dev.df11.runtime.model.RotaryAngles;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * Cosines and sines of the rotary angles for every position of the context, on the device: the runtime's
 * {@link RotaryAngles}, the same tables the CPU backend rotates with.
 *
 * @param cos row p holds the {@code rotaryDim/2} cosines of position p (rotaryDim: headDim, less under Phi-3's partial
 *            rotary)
 * @param sin the sines, same layout
 */
public record RotaryTables(FloatArray cos, FloatArray sin) {

    /**
     * Tables of {@code rope} for positions {@code 0 .. contextLength-1} and the config's rotary part of a head,
     * copied off-heap from {@link RotaryAngles} exactly as the CPU backend builds its own.
     */
    public static RotaryTables of(ModelConfig config, RopeParameters rope, int contextLength) {
        RotaryAngles angles = RotaryAngles.of(rope, config.rotaryDim(), contextLength);
        return new RotaryTables(FloatArray.fromArray(angles.cos()), FloatArray.fromArray(angles.sin()));
    }
}
