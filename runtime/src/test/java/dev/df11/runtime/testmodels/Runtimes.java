package dev.df11.runtime.testmodels;

import dev.df11.runtime.cpu.CpuBackend;
import dev.df11.runtime.inference.ForwardPass;
import dev.df11.runtime.weights.WeightStores;

import java.io.IOException;
import java.nio.file.Path;

/** Opens the runtime (CPU backend) on a model folder for tests. */
public final class Runtimes {

    private Runtimes() {
    }

    public static ForwardPass open(Path modelDir, int contextLength, int maxBatch) throws IOException {
        return open(modelDir, contextLength, maxBatch, WeightStores.Df11Options.defaults());
    }

    public static ForwardPass open(Path modelDir, int contextLength, int maxBatch, WeightStores.Df11Options options)
            throws IOException {
        return new ForwardPass(new CpuBackend(2), WeightStores.open(modelDir, options), contextLength, maxBatch);
    }

    /** max |a - b| / max |a|: the error of {@code b} relative to the scale of the reference {@code a}. */
    public static double relativeError(float[] reference, float[] actual) {
        double scale = 0;
        double error = 0;
        for (int i = 0; i < reference.length; i++) {
            scale = Math.max(scale, Math.abs(reference[i]));
            error = Math.max(error, Math.abs((double) reference[i] - actual[i]));
        }
        return error / scale;
    }
}
