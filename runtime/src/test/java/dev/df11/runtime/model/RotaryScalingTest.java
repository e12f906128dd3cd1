package dev.df11.runtime.model;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Each rope type's shape, from its definition: which frequencies it keeps, which it divides, and when it switches.
 * (RopeReferenceTest compares the exact values with transformers'.)
 */
class RotaryScalingTest {

    private static final double THETA = 10000;
    private static final int DIM = 32;

    private static double[] plain() {
        return RotaryScaling.plainInverseFrequencies(THETA, DIM);
    }

    @Test
    void plainFrequenciesAreThetaToTheMinusTwoIOverD() {
        double[] f = plain();
        assertEquals(DIM / 2, f.length);
        assertEquals(1.0, f[0]);
        assertEquals(Math.pow(THETA, -2.0 * 5 / DIM), f[5], 1e-15);
    }

    @Test
    void linearDividesEveryFrequency() {
        double[] scaled = new LinearScaling(4).inverseFrequencies(THETA, DIM, 100);
        double[] f = plain();
        for (int i = 0; i < f.length; i++) {
            assertEquals(f[i] / 4, scaled[i], 0);
        }
    }

    @Test
    void dynamicIsPlainWithinItsPositionsAndRefusedBeyond() {
        DynamicScaling dynamic = new DynamicScaling(2, 64);
        assertArrayEquals(plain(), dynamic.inverseFrequencies(THETA, DIM, 64));
        assertThrows(UnsupportedModelException.class, () -> dynamic.inverseFrequencies(THETA, DIM, 65));
    }

    @Test
    void yarnKeepsFastFrequenciesDividesSlowOnesAndRampsBetween() {
        YarnScaling yarn = new YarnScaling(8, 128, 1.2, 32, 1, true);
        double[] f = plain();
        double[] scaled = yarn.inverseFrequencies(THETA, DIM, 100);
        // correction dims: 32 * ln(128 / (rotations * 2 pi)) / (2 ln 10000): beta_fast 32 -> -0.2 -> 0 (floor),
        // beta_slow 1 -> 5.24 -> 6 (ceil); ramp (i - 0) / 6 clamped.
        assertEquals(f[0], scaled[0], 0);
        for (int i = 6; i < f.length; i++) {
            assertEquals(f[i] / 8, scaled[i], 1e-18);
        }
        double ramp = 3 / 6.0;
        assertEquals(f[3] / 8 * ramp + f[3] * (1 - ramp), scaled[3], 1e-15);
        assertEquals(1.2, yarn.attentionFactor());
        assertEquals(0.1 * Math.log(8) + 1, YarnScaling.mscale(8, 1), 1e-15);
        assertEquals(1.0, YarnScaling.mscale(1, 1));
    }

    @Test
    void longRopeUsesShortFactorsWithinTheOriginalContextAndLongOnesBeyond() {
        List<Double> shortFactors = java.util.Collections.nCopies(DIM / 2, 2.0);
        List<Double> longFactors = java.util.Collections.nCopies(DIM / 2, 5.0);
        LongRopeScaling longRope = new LongRopeScaling(shortFactors, longFactors, 64, 1.1);
        double[] f = plain();
        double[] within = longRope.inverseFrequencies(THETA, DIM, 64);
        double[] beyond = longRope.inverseFrequencies(THETA, DIM, 65);
        for (int i = 0; i < f.length; i++) {
            assertEquals(f[i] / 2, within[i], 0);
            assertEquals(f[i] / 5, beyond[i], 0);
        }
        assertThrows(UnsupportedModelException.class, () -> longRope.inverseFrequencies(THETA, 16, 10));
    }

    @Test
    void attentionFactorScalesTheCosinesAndSines() {
        RopeParameters rope = new RopeParameters(THETA, new YarnScaling(4, 32, 1.5, 32, 1, true));
        RotaryAngles scaled = RotaryAngles.of(rope, DIM, 8);
        RotaryAngles unit = RotaryAngles.of(new RopeParameters(THETA, new YarnScaling(4, 32, 1.0, 32, 1, true)),
                DIM, 8);
        for (int i = 0; i < scaled.cos().length; i++) {
            assertEquals(unit.cos()[i] * 1.5f, scaled.cos()[i], 0);
            assertEquals(unit.sin()[i] * 1.5f, scaled.sin()[i], 0);
        }
    }
}
