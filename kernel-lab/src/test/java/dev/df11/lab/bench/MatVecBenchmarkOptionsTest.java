package dev.df11.lab.bench;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code matvec-bench}'s switch that is on by default: picocli 4.7 inverts a negatable option whose default is true
 * unless it also has a fallback value, so {@code --no-nibble} once left the nibble rows on.
 */
class MatVecBenchmarkOptionsTest {

    @Test
    void nibbleRowsAreOnByDefaultAndTheNegatedFormTurnsThemOff() {
        MatVecBenchmark byDefault = new MatVecBenchmark();
        new CommandLine(byDefault).parseArgs();
        assertTrue(byDefault.nibble);
        MatVecBenchmark off = new MatVecBenchmark();
        new CommandLine(off).parseArgs("--no-nibble");
        assertFalse(off.nibble);
        MatVecBenchmark on = new MatVecBenchmark();
        new CommandLine(on).parseArgs("--nibble");
        assertTrue(on.nibble);
    }
}
