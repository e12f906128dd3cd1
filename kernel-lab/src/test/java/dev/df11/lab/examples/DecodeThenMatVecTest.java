package dev.df11.lab.examples;

import dev.df11.format.codec.Df11Unit;
import dev.df11.tornado.api.CompressedUnit;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The example's two-task graph (decode, then W x on the decoded weights) agrees with the CPU. */
class DecodeThenMatVecTest {

    @Test
    void decodeThenMatVecAgreesWithTheCpu() {
        Df11Unit encoded = DecodeThenMatVec.syntheticUnit(42);
        CompressedUnit unit = CompressedUnit.of(encoded, DecodeThenMatVec.SYNTHETIC_NAMES,
                DecodeThenMatVec.syntheticShapes());
        DecodeThenMatVec.Outcome outcome = DecodeThenMatVec.run(unit, unit.matrix(1), encoded, 7);
        assertEquals("example.mlp.down_proj.weight", outcome.matrix());
        assertEquals(288, outcome.device().length);
        int worst = outcome.worstRow();
        assertTrue(outcome.agrees(), "row " + worst + ": device " + outcome.device()[worst] + ", CPU "
                + outcome.reference()[worst] + ", bound " + outcome.bound()[worst]);
        // The check is not vacuous: the products are far from zero, and far larger than the allowed difference.
        assertTrue(Math.abs(outcome.reference()[worst]) > 0.01 || outcome.bound()[worst] < 1e-4);
        double typical = 0;
        for (double r : outcome.reference()) {
            typical += Math.abs(r) / outcome.reference().length;
        }
        assertTrue(typical > 100 * outcome.bound()[worst], "mean |y| " + typical);
    }

    @Test
    void aProductOutsideTheBoundIsAMismatch() {
        DecodeThenMatVec.Outcome off = new DecodeThenMatVec.Outcome("m", new float[] {1.0f, 2.001f},
                new double[] {1.0, 2.0}, new double[] {1e-6, 1e-6});
        assertFalse(off.agrees());
        assertEquals(1, off.worstRow());
        assertTrue(new DecodeThenMatVec.Outcome("m", new float[] {1.0f, 2.0f}, new double[] {1.0, 2.0},
                new double[] {1e-6, 1e-6}).agrees());
    }
}
