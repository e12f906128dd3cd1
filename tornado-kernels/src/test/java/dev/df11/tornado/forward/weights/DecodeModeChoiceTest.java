package dev.df11.tornado.forward.weights;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --decode-mode auto} on fake fits (no device is touched). */
class DecodeModeChoiceTest {

    private static final long GIB = 1L << 30;

    @Test
    void nibbleWhereItFitsAsWellAsExact() {
        DecodeModeChoice.Choice choice = DecodeModeChoice.choose(new DecodeModeChoice.Fit(1, 16, 12 * GIB),
                new DecodeModeChoice.Fit(1, 16, 11 * GIB), 16);
        assertEquals(DecodeMode.NIBBLE, choice.mode());
        assertTrue(choice.reason().contains("12.00 GiB with nibble"), choice.reason());
    }

    @Test
    void exactWhenOnlyExactFits() {
        DecodeModeChoice.Choice choice = DecodeModeChoice.choose(DecodeModeChoice.Fit.none(80 * GIB),
                new DecodeModeChoice.Fit(1, 1, 73 * GIB), 1);
        assertEquals(DecodeMode.EXACT, choice.mode());
        assertTrue(choice.reason().contains("does not fit with nibble"), choice.reason());
    }

    @Test
    void exactWhenNibbleHoldsFewerSequenceSlots() {
        DecodeModeChoice.Choice choice = DecodeModeChoice.choose(new DecodeModeChoice.Fit(1, 40, 12 * GIB),
                new DecodeModeChoice.Fit(1, 64, 11 * GIB), 64);
        assertEquals(DecodeMode.EXACT, choice.mode());
        assertTrue(choice.reason().contains("40 of 64 sequence slots, exact for 64"), choice.reason());
    }

    @Test
    void exactWhenNibbleNeedsMoreDevices() {
        DecodeModeChoice.Choice choice = DecodeModeChoice.choose(new DecodeModeChoice.Fit(3, 1, 120 * GIB),
                new DecodeModeChoice.Fit(2, 1, 110 * GIB), 1);
        assertEquals(DecodeMode.EXACT, choice.mode());
        assertTrue(choice.reason().contains("needs 3 devices, exact 2"), choice.reason());
    }

    @Test
    void exactWhenNeitherFitsSoThatItsPlanExplainsTheRefusal() {
        DecodeModeChoice.Choice choice = DecodeModeChoice.choose(DecodeModeChoice.Fit.none(90 * GIB),
                DecodeModeChoice.Fit.none(82 * GIB), 1);
        assertEquals(DecodeMode.EXACT, choice.mode());
        assertTrue(choice.reason().contains("fits with neither layout"), choice.reason());
    }

    @Test
    void autoIsParsedAndNamed() {
        assertEquals(DecodeMode.AUTO, DecodeMode.parse("auto"));
        assertEquals("auto", DecodeMode.AUTO.id());
    }
}
