package dev.df11.tornado.backend;

import dev.df11.runtime.backend.Backend;
import dev.df11.runtime.inference.ForwardPass;
import dev.df11.runtime.inference.GenerationListener;
import dev.df11.runtime.inference.GenerationSettings;
import dev.df11.runtime.inference.Generator;
import dev.df11.runtime.weights.WeightStore;

import java.util.ArrayList;
import java.util.List;

/** A greedy generation with every step's logits kept, for comparing backends. */
record Generation(int[] tokens, List<float[]> logits) {

    /** Runs {@code prompt} (in batches of {@code maxBatch}) and {@code steps} greedy tokens; closes backend and store. */
    static Generation run(Backend backend, WeightStore weights, int[] prompt, int steps, int context, int maxBatch) {
        return run(backend, weights, prompt, steps, context, maxBatch, () -> { });
    }

    /** {@link #run}, calling {@code afterStep} once each step's logits are in. */
    static Generation run(Backend backend, WeightStore weights, int[] prompt, int steps, int context, int maxBatch,
            Runnable afterStep) {
        List<float[]> logits = new ArrayList<>();
        try (ForwardPass forward = new ForwardPass(backend, weights, context, maxBatch)) {
            int[] tokens = new Generator(forward).generate(prompt, GenerationSettings.greedy(steps),
                    new GenerationListener() {
                        @Override
                        public void onToken(int token) {
                        }

                        @Override
                        public void onLogits(int step, float[] values) {
                            logits.add(values.clone());
                            afterStep.run();
                        }
                    }).generatedTokens();
            return new Generation(tokens, logits);
        }
    }

    /** The largest |a - b| over all steps' logits, relative to the largest |a| of that step. */
    double maxRelativeDifference(Generation other) {
        double worst = 0;
        for (int step = 0; step < Math.min(logits.size(), other.logits.size()); step++) {
            float[] a = logits.get(step);
            float[] b = other.logits.get(step);
            double scale = 0;
            double diff = 0;
            for (int i = 0; i < a.length; i++) {
                scale = Math.max(scale, Math.abs(a[i]));
                diff = Math.max(diff, Math.abs(a[i] - b[i]));
            }
            worst = Math.max(worst, diff / scale);
        }
        return worst;
    }
}
