package dev.df11.tornado.api;

import dev.df11.format.codec.Df11Encoder;
import dev.df11.format.codec.Df11FormatException;
import dev.df11.format.codec.Df11Unit;
import dev.df11.format.testing.TestWeights;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A unit's arrays and matrix layout as the API exposes them; bad units rejected on the host (no device needed). */
class CompressedUnitTest {

    private static final Df11Unit THREE_MATRICES = new Df11Encoder(2).encode("layer",
            List.of(TestWeights.gaussian(1, 20_000), TestWeights.gaussian(2, 20), TestWeights.gaussian(3, 30_000)));

    @Test
    void matricesLieAtTheSplitPositions() {
        CompressedUnit unit = CompressedUnit.of(THREE_MATRICES);
        assertEquals("layer", unit.name());
        assertNull(unit.source());
        assertEquals(50_020, unit.elements());
        assertTrue(unit.blocks() >= 3, "blocks: " + unit.blocks());
        assertEquals(THREE_MATRICES.blockCount(), unit.blocks());
        assertEquals(3, unit.matrixCount());
        assertEquals(List.of(0, 20_000, 20_020), List.of(unit.matrixOffset(0), unit.matrixOffset(1),
                unit.matrixOffset(2)));
        assertEquals(List.of(20_000, 20, 30_000), List.of(unit.matrixElements(0), unit.matrixElements(1),
                unit.matrixElements(2)));
        assertEquals("layer#1", unit.matrixName(1));
        assertArrayEquals(new long[] {30_000}, unit.matrixShape(2));
        assertEquals(50_020, unit.allocateOutput().getSize());
        assertThrows(IndexOutOfBoundsException.class, () -> unit.matrix(3));
    }

    @Test
    void arraysHoldTheUnitsBytes() {
        CompressedUnit unit = CompressedUnit.of(THREE_MATRICES);
        long streamBytes = THREE_MATRICES.encodedExponent().byteSize();
        assertSameBytes(THREE_MATRICES.encodedExponent(),
                unit.packedInputs().codeWords().getSegment().asSlice(0, streamBytes));
        long elements = THREE_MATRICES.elementCount();
        assertSameBytes(THREE_MATRICES.signMantissa(), unit.signMantissaWords().getSegment().asSlice(0, elements));
        MemorySegment padding = unit.signMantissaWords().getSegment().asSlice(elements);
        assertEquals(-1L, padding.mismatch(MemorySegment.ofArray(new byte[(int) padding.byteSize()])),
                "the sign/mantissa words are zero past the last element");
        assertSameBytes(THREE_MATRICES.gaps(), unit.gaps().getSegment());
        for (int b = 0; b <= unit.blocks(); b++) {
            assertEquals(THREE_MATRICES.outputPosition(b), unit.outputPositions().get(b), "position " + b);
        }
    }

    @Test
    void namesAndShapesAreCheckedAgainstTheMatrices() {
        List<String> names = List.of("q", "tiny", "down");
        CompressedUnit unit = CompressedUnit.of(THREE_MATRICES, names,
                List.of(new long[] {200, 100}, new long[] {4, 5}, new long[] {300, 100}));
        assertEquals(20_020, unit.matrix("down").offset());
        assertEquals(100, unit.matrix("down").columns());
        assertEquals(300, unit.matrix("down").rows());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> unit.matrix("up"));
        assertTrue(unknown.getMessage().contains("[q, tiny, down]"), unknown.getMessage());

        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> CompressedUnit.of(THREE_MATRICES, List.of("q"), List.of(new long[] {20_000})));
        assertTrue(count.getMessage().contains("3 matrices"), count.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> CompressedUnit.of(
                THREE_MATRICES, names, List.of(new long[] {200, 100}, new long[] {4, 6}, new long[] {300, 100})));
        assertTrue(shape.getMessage().contains("'tiny'") && shape.getMessage().contains("20 elements"),
                shape.getMessage());
    }

    @Test
    void aTablePointerToAMissingTableIsRejected() {
        MemorySegment luts = copy(THREE_MATRICES.luts());
        luts.set(ValueLayout.JAVA_BYTE, 0, (byte) (256 - 9));   // child table 9 does not exist
        assertRejected(with(luts, THREE_MATRICES.outputPositions(), THREE_MATRICES.gaps()), "layer");
    }

    @Test
    void positionsThatGoBackAreRejected() {
        MemorySegment positions = copy(THREE_MATRICES.outputPositions());
        positions.set(ValueLayout.JAVA_INT_UNALIGNED, 4, positions.get(ValueLayout.JAVA_INT_UNALIGNED, 8) + 1);
        Df11FormatException e = assertRejected(with(THREE_MATRICES.luts(), positions, THREE_MATRICES.gaps()),
                "layer");
        assertTrue(e.getMessage().contains("backwards"), e.getMessage());
    }

    @Test
    void gapsShorterThanTheBlocksAreRejected() {
        MemorySegment gaps = THREE_MATRICES.gaps().asSlice(0, THREE_MATRICES.gaps().byteSize() - 1);
        Df11FormatException e = assertRejected(with(THREE_MATRICES.luts(), THREE_MATRICES.outputPositions(), gaps),
                "layer");
        assertTrue(e.getMessage().contains("gaps"), e.getMessage());
    }

    private static Df11FormatException assertRejected(Df11Unit bad, String unitName) {
        Df11FormatException e = assertThrows(Df11FormatException.class, () -> CompressedUnit.of(bad));
        assertTrue(e.getMessage().contains("'" + unitName + "'"), e.getMessage());
        return e;
    }

    private static Df11Unit with(MemorySegment luts, MemorySegment positions, MemorySegment gaps) {
        Df11Unit u = THREE_MATRICES;
        return new Df11Unit(u.name(), luts, u.encodedExponent(), u.signMantissa(), positions, gaps,
                u.splitPositions());
    }

    private static MemorySegment copy(MemorySegment s) {
        return Arena.ofAuto().allocate(s.byteSize()).copyFrom(s);
    }

    private static void assertSameBytes(MemorySegment expected, MemorySegment actual) {
        assertEquals(expected.byteSize(), actual.byteSize());
        assertEquals(-1, expected.mismatch(actual));
    }
}
