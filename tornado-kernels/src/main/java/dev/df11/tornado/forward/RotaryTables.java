package dev.df11.tornado.forward;

import dev.df11.runtime.model.ModelConfig;
import dev.df11.runtime.model.RotaryAngles;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * Cosines and sines of the rotary angles for every position of the context, on the device: the runtime's
 * {@link RotaryAngles}, the same tables the CPU backend rotates with.
 *
 * @param cos row p holds the {@code headDim/2} cosines of position p
 * @param sin the sines, same layout
 */
public record RotaryTables(FloatArray cos, FloatArray sin) {

    /** Tables for positions {@code 0 .. contextLength-1}, copied off-heap from {@link RotaryAngles}. */
    public static RotaryTables of(ModelConfig config, int contextLength) {
        RotaryAngles angles = RotaryAngles.of(config, contextLength);
        return new RotaryTables(FloatArray.fromArray(angles.cos()), FloatArray.fromArray(angles.sin()));
    }
}
