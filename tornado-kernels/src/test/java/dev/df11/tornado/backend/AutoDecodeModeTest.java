package dev.df11.tornado.backend;

import dev.df11.runtime.testmodels.RandomModelWriter;
import dev.df11.runtime.testmodels.TestModels;
import dev.df11.runtime.weights.WeightStore;
import dev.df11.runtime.weights.WeightStores;
import dev.df11.tornado.forward.ForwardShape;
import dev.df11.tornado.forward.weights.DecodeMode;
import dev.df11.tornado.forward.weights.MemoryPlan;
import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.common.TornadoDevice;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

import static dev.df11.tornado.backend.TornadoBackendAgreementTest.bits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --decode-mode auto}, the default, on the (PoCL) device: a DF11 model that fits with the nibble layout runs in
 * it, with the exact decode's logits bit for bit; a device that holds the model only with exact's smaller footprint
 * gets exact; a BF16 model has no decode mode to choose. The rule itself is tested on sizes alone
 * ({@code DecodeModeChoiceTest}).
 */
class AutoDecodeModeTest {

    private static final int[] PROMPT = {3, 17, 42, 5, 88, 9};
    private static final int STEPS = 6;
    private static final int CONTEXT = 32;
    private static final int MAX_BATCH = 4;

    @Test
    void aModelThatFitsWithTheNibbleLayoutRunsInItWithTheExactBits() throws IOException {
        Path df11 = TestModels.compress(RandomModelWriter.write(TestModels.newFolder("auto-roomy"),
                RandomModelWriter.Flavor.LLAMA3_UNTIED, 31));
        var options = new WeightStores.Df11Options(2);
        TornadoBackend auto = new TornadoBackend(TornadoBackendOptions.defaults(), null);
        assertEquals(DecodeMode.AUTO, auto.decodeMode(), "auto until a model is loaded");
        Generation chosen = Generation.run(auto, WeightStores.open(df11, options), PROMPT, STEPS, CONTEXT, MAX_BATCH,
                () -> {
                    assertEquals(DecodeMode.NIBBLE, auto.decodeMode());
                    assertTrue(auto.nibbleLayoutBytes() > 0, "no unit was laid out in nibbles");
                });
        Generation exact = Generation.run(TornadoBackendAgreementTest.tornado(), WeightStores.open(df11, options),
                PROMPT, STEPS, CONTEXT, MAX_BATCH);
        assertArrayEquals(exact.tokens(), chosen.tokens());
        for (int step = 0; step < exact.logits().size(); step++) {
            assertArrayEquals(bits(exact.logits().get(step)), bits(chosen.logits().get(step)),
                    "auto (nibble) changed the logits at step " + step);
        }
    }

    /**
     * A device of exactly one mode's plan, the smaller: auto takes that mode, and the other mode alone is refused
     * there, so the budget really tells them apart. (Which is smaller depends on the model: exact adds a decode buffer
     * as large as the largest unit's weights and DF11's tables per unit, nibble a bit more per weight, so tiny test
     * models are smaller in nibble and an 8B one in exact; {@code DecodeModeChoiceTest} covers both outcomes of the
     * rule.) One byte less holds it in neither mode: refused, as exact's plan says.
     */
    @Test
    void aDeviceThatHoldsTheModelInOneModeOnlyGetsThatMode() throws IOException {
        Path df11 = TestModels.compress(RandomModelWriter.write(TestModels.newFolder("auto-tight"),
                RandomModelWriter.Flavor.LLAMA3_UNTIED, 32));
        var options = new WeightStores.Df11Options(2);
        long exactNeeds;
        long nibbleNeeds;
        try (WeightStore weights = WeightStores.open(df11, options)) {
            ForwardShape shape = new ForwardShape(weights.config(), CONTEXT, MAX_BATCH);
            exactNeeds = needs(MemoryPlan.ModelBytes.of(weights, shape, DecodeMode.EXACT));
            nibbleNeeds = needs(MemoryPlan.ModelBytes.of(weights, shape, DecodeMode.NIBBLE));
        }
        assertTrue(exactNeeds != nibbleNeeds, "the two plans must differ: " + exactNeeds);
        DecodeMode smaller = exactNeeds < nibbleNeeds ? DecodeMode.EXACT : DecodeMode.NIBBLE;
        DecodeMode larger = smaller == DecodeMode.EXACT ? DecodeMode.NIBBLE : DecodeMode.EXACT;
        long budget = Math.min(exactNeeds, nibbleNeeds);
        TornadoBackend tight = onDeviceOf(budget, TornadoBackendOptions.defaults());
        Generation.run(tight, WeightStores.open(df11, options), PROMPT, 2, CONTEXT, MAX_BATCH,
                () -> assertEquals(smaller, tight.decodeMode(), "exact needs " + exactNeeds + " bytes, nibble "
                        + nibbleNeeds));
        for (TornadoBackend refused : List.of(onDeviceOf(budget, TornadoBackendOptions.defaults().withDecodeMode(
                larger)), onDeviceOf(budget - 1, TornadoBackendOptions.defaults()))) {
            try (WeightStore weights = WeightStores.open(df11, options)) {
                assertThrows(IllegalArgumentException.class, () -> refused.load(weights, CONTEXT, MAX_BATCH));
            }
        }
    }

    /** A backend on the default device planned as if it had {@code bytes}. */
    private static TornadoBackend onDeviceOf(long bytes, TornadoBackendOptions options) {
        return new TornadoBackend(options, Collections.singletonList((TornadoDevice) null), List.of(bytes));
    }

    @Test
    void aBf16ModelHasNoDecodeModeToChoose() throws IOException {
        Path bf16 = RandomModelWriter.write(TestModels.newFolder("auto-bf16"), RandomModelWriter.Flavor.LLAMA3_UNTIED,
                33);
        TornadoBackend auto = new TornadoBackend(TornadoBackendOptions.defaults(), null);
        Generation.run(auto, WeightStores.open(bf16, new WeightStores.Df11Options(2)), PROMPT, 2, CONTEXT,
                MAX_BATCH, () -> {
                    assertEquals(DecodeMode.EXACT, auto.decodeMode());
                    assertEquals(0, auto.nibbleLayoutBytes());
                });
    }

    /** The device bytes one device's plan of {@code bytes} uses. */
    private static long needs(MemoryPlan.ModelBytes bytes) {
        return MemoryPlan.of(bytes, CONTEXT, List.of(new MemoryPlan.Device("probe", Long.MAX_VALUE / 4)))
                .devices().get(0).used();
    }
}
