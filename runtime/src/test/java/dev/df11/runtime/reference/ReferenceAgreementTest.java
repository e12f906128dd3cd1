package dev.df11.runtime.reference;

import dev.df11.runtime.inference.ForwardPass;
import dev.df11.runtime.inference.Sampler;
import dev.df11.runtime.reference.ReferenceLlama.Rotary;
import dev.df11.runtime.testmodels.RandomModelWriter;
import dev.df11.runtime.testmodels.RandomModelWriter.Flavor;
import dev.df11.runtime.testmodels.Runtimes;
import dev.df11.runtime.testmodels.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runtime's logits agree with {@link ReferenceLlama}, an independent scalar implementation of the equations,
 * to within {@link #TOLERANCE} of the logit scale at every step; and the tolerance is tight enough that a wrong
 * rotary convention or ignored norm weights would fail (checked by running the reference both ways).
 */
class ReferenceAgreementTest {

    /** Max |runtime - reference| over the logits, relative to max |reference logit|. */
    static final double TOLERANCE = 1e-4;

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void randomModelsOfEveryFlavorAgree(Flavor flavor) throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder(flavor.name()), flavor, 42);
        int[] prompt = {1, 5, 17, 33, 8, 90, 4};
        // Batches of 4: the 7-token prompt runs as 4 + 3, covering both matrix kernels.
        double worst = compare(dir, prompt, 8, 4, new ReferenceLlama(dir, 64, Rotary.ROTATE_HALF, true));
        assertTrue(worst < TOLERANCE, flavor + ": relative error " + worst);
    }

    /** The window matters: the windowed model's reference without its window differs well beyond the tolerance. */
    @Test
    void fullAttentionWouldNotMatchTheWindowedModel() throws IOException {
        Path dir = RandomModelWriter.write(TestModels.newFolder("window"), Flavor.MISTRAL_WINDOWED, 42);
        ReferenceLlama windowed = new ReferenceLlama(dir, 16, Rotary.ROTATE_HALF, true);
        ObjectNode config = (ObjectNode) new ObjectMapper().readTree(dir.resolve("config.json").toFile());
        config.putNull("sliding_window");
        Files.writeString(dir.resolve("config.json"), config.toPrettyString());
        ReferenceLlama full = new ReferenceLlama(dir, 16, Rotary.ROTATE_HALF, true);
        int[] tokens = {1, 5, 17, 33, 8, 90, 4, 12};
        double error = 0;
        for (int pos = 0; pos < tokens.length; pos++) {
            error = Math.max(error, Runtimes.relativeError(windowed.forward(tokens[pos], pos),
                    full.forward(tokens[pos], pos)));
        }
        assertTrue(error > 100 * TOLERANCE, "full attention differs from the window by only " + error);
    }

    @Test
    void stories15MAgrees() throws IOException {
        Path dir = TestModels.stories15M();
        int[] prompt = {1, 9038, 2501, 263, 931};   // BOS "Once upon a time"
        double worst = compare(dir, prompt, 6, 8, new ReferenceLlama(dir, 32, Rotary.ROTATE_HALF, true));
        assertTrue(worst < TOLERANCE, "stories15M: relative error " + worst);
    }

    @Test
    void wrongRotaryOrMissingNormWeightsWouldFail() throws IOException {
        Path dir = TestModels.stories15M();
        int[] tokens = {1, 9038, 2501, 263, 931, 29892};
        ReferenceLlama right = new ReferenceLlama(dir, 16, Rotary.ROTATE_HALF, true);
        ReferenceLlama interleaved = new ReferenceLlama(dir, 16, Rotary.INTERLEAVED, true);
        ReferenceLlama unitNorms = new ReferenceLlama(dir, 16, Rotary.ROTATE_HALF, false);
        double rotaryError = 0;
        double normError = 0;
        for (int pos = 0; pos < tokens.length; pos++) {
            float[] expected = right.forward(tokens[pos], pos);
            rotaryError = Math.max(rotaryError, Runtimes.relativeError(expected, interleaved.forward(tokens[pos], pos)));
            normError = Math.max(normError, Runtimes.relativeError(expected, unitNorms.forward(tokens[pos], pos)));
        }
        assertTrue(rotaryError > 100 * TOLERANCE, "interleaved rotary differs by only " + rotaryError);
        assertTrue(normError > 100 * TOLERANCE, "unit norm weights differ by only " + normError);
    }

    /** Runs the prompt in batches, then greedy steps, comparing every step's logits; returns the worst error. */
    private static double compare(Path dir, int[] prompt, int steps, int batch, ReferenceLlama reference)
            throws IOException {
        double worst = 0;
        try (ForwardPass runtime = Runtimes.open(dir, 64, batch)) {
            float[] actual = runtime.forward(prompt, 0);
            float[] expected = null;
            for (int pos = 0; pos < prompt.length; pos++) {
                expected = reference.forward(prompt[pos], pos);
            }
            worst = Math.max(worst, Runtimes.relativeError(expected, actual));
            int pos = prompt.length;
            for (int step = 0; step < steps; step++, pos++) {
                int token = Sampler.argmax(expected);
                actual = runtime.forward(new int[] {token}, pos);
                expected = reference.forward(token, pos);
                worst = Math.max(worst, Runtimes.relativeError(expected, actual));
            }
        }
        System.out.printf("reference agreement %s: worst relative error %.3g%n", dir.getFileName(), worst);
        return worst;
    }
}
