package dev.df11.tornado.api;

import dev.df11.format.codec.Df11Encoder;
import dev.df11.format.codec.Df11FormatException;
import dev.df11.format.codec.Df11Unit;
import dev.df11.format.testing.OfficialVectors;
import dev.df11.format.testing.TestWeights;
import dev.df11.tornado.decode.KernelVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Df11Tasks#addDecode(TaskGraph, String, CompressedUnit, IntArray)}: the word-writing kernels decode into an
 * IntArray of BF16 pairs in a graph of the caller's, bit for bit what the CPU decoder writes, element {@code 2i} in
 * the low half of word {@code i}; bad arguments are refused with the unit and task named.
 */
class WordOutputDecodeTest {

    private static final int SENTINEL = 0x5A5A5A5A;

    @ParameterizedTest
    @ValueSource(strings = {"fibonacci_long_codes", "gaussian_1M_plus_3"})
    void officialVectorDecodesIntoBf16PairsBitForBit(String name) {
        try (OfficialVectors.Vector vector = OfficialVectors.open(name)) {
            short[] cpu = UserGraphs.cpuDecode(vector.unit());
            UserGraphs.assertSameBits(cpu, decodeWords("words_" + name, CompressedUnit.of(vector.unit()),
                    Df11Tasks.DEFAULT_WORD_KERNEL), name);
        }
    }

    /** v3e is the same kernel (its register cap is a plan flag); an odd element count leaves a half word. */
    @Test
    void theCappedVersionDecodesAnOddLengthUnitToo() {
        Df11Unit odd = new Df11Encoder(2).encode("odd", List.of(TestWeights.gaussian(3, 70_001)));
        UserGraphs.assertSameBits(UserGraphs.cpuDecode(odd), decodeWords("words_odd", CompressedUnit.of(odd),
                KernelVersion.V3E_CAPPED), "odd, v3e");
    }

    @ParameterizedTest
    @EnumSource(value = KernelVersion.class, names = {"V3D_WORD_WRITES", "V3E_CAPPED"},
            mode = EnumSource.Mode.EXCLUDE)
    void kernelsThatWriteShortsAreRefusedForAWordOutput(KernelVersion kernel) {
        CompressedUnit unit = small(5_000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Df11Tasks.addDecode(
                new TaskGraph("mine"), "decodeSmall", unit, unit.allocateWordOutput(), kernel));
        assertTrue(e.getMessage().contains(kernel.label()) && e.getMessage().contains("mine.decodeSmall"),
                e.getMessage());
    }

    @Test
    void aWordOutputTooSmallIsRefusedInWords() {
        CompressedUnit unit = small(5_001);
        assertEquals(2_501, unit.allocateWordOutput().getSize());
        Df11FormatException e = assertThrows(Df11FormatException.class,
                () -> Df11Tasks.addDecode(new TaskGraph("mine"), "decodeSmall", unit, new IntArray(2_500)));
        assertTrue(e.getMessage().contains("'small'") && e.getMessage().contains("mine.decodeSmall")
                && e.getMessage().contains("2500") && e.getMessage().contains("2501"), e.getMessage());
    }

    @Test
    void theTaskHandsBackItsWordOutputAndRefusesToPoseAsAShortOne() {
        CompressedUnit unit = small(5_000);
        IntArray words = unit.allocateWordOutput();
        DecodeTask task = Df11Tasks.addDecode(new TaskGraph("g"), "d", unit, words);
        assertSame(words, task.wordOutput());
        assertEquals(KernelVersion.V3D_WORD_WRITES, task.kernel());
        assertThrows(IllegalStateException.class, task::output);
        DecodeTask shorts = Df11Tasks.addDecode(new TaskGraph("g"), "d", unit, new ShortArray(5_000));
        assertThrows(IllegalStateException.class, shorts::wordOutput);
    }

    private static CompressedUnit small(int elements) {
        return CompressedUnit.of(new Df11Encoder(2).encode("small", List.of(TestWeights.gaussian(9, elements))));
    }

    /** Decodes into words in a one-task graph, verifies the status and unpacks the pairs into BF16 values. */
    private static short[] decodeWords(String graphName, CompressedUnit unit, KernelVersion kernel) {
        IntArray words = new IntArray(unit.allocateWordOutput().getSize() + UserGraphs.SLACK);
        words.init(SENTINEL);
        TaskGraph graph = new TaskGraph(graphName).transferToDevice(DataTransferMode.FIRST_EXECUTION, words);
        DecodeTask decode = Df11Tasks.addDecode(graph, "decode", unit, words, kernel);
        graph.transferToHost(DataTransferMode.EVERY_EXECUTION, words);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot())
                .withGridScheduler(decode.registerIn(new GridScheduler()))) {
            decode.verify(plan.execute());
        } catch (TornadoExecutionPlanException e) {
            throw new IllegalStateException(e);
        }
        short[] values = new short[unit.elements()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (short) (words.get(i / 2) >>> (16 * (i % 2)));
        }
        return values;
    }
}
