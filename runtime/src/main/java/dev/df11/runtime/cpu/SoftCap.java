package dev.df11.runtime.cpu;

/**
 * Gemma's soft-capping of the final logits, {@code cap * tanh(x / cap)}: squeezes them into {@code (-cap, cap)},
 * in float32 steps as transformers computes it (divide, tanh, multiply), with StrictMath like the rest of the
 * backend so that the same logits come out on any JVM.
 */
final class SoftCap {

    private SoftCap() {
    }

    /** Caps {@code length} values of {@code values} from {@code offset} in place; a cap of 0 leaves them alone. */
    static void apply(float[] values, int offset, int length, float cap) {
        if (cap == 0f) {
            return;
        }
        for (int i = offset; i < offset + length; i++) {
            values[i] = cap(values[i], cap);
        }
    }

    static float cap(float value, float cap) {
        return (float) StrictMath.tanh(value / cap) * cap;
    }
}
