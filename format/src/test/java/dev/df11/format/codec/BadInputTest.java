package dev.df11.format.codec;

import dev.df11.format.testing.OfficialVectors;
import dev.df11.format.testing.TestWeights;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hostile units end in a {@link Df11FormatException} naming the unit: never a crash, a wrong read or a hang. */
class BadInputTest {

    private static final int N = 20_000; // about 7 KB of stream: two blocks
    private static final Df11Unit GOOD = new Df11Encoder(1).encode("victim", List.of(TestWeights.gaussian(77, N)));
    private static final List<Df11UnitDecoder> DECODERS = List.of(new Df11Decoder(2), new ThreadModelDecoder());

    private static MemorySegment copy(MemorySegment s) {
        return MemorySegment.ofArray(s.toArray(ValueLayout.JAVA_BYTE));
    }

    private enum Part { LUTS, STREAM, SIGN_MANTISSA, POSITIONS, GAPS }

    private static Df11Unit with(Part part, UnaryOperator<MemorySegment> change) {
        return with(GOOD, part, change);
    }

    private static Df11Unit with(Df11Unit u, Part part, UnaryOperator<MemorySegment> change) {
        MemorySegment luts = copy(u.luts());
        MemorySegment stream = copy(u.encodedExponent());
        MemorySegment sm = copy(u.signMantissa());
        MemorySegment positions = copy(u.outputPositions());
        MemorySegment gaps = copy(u.gaps());
        switch (part) {
            case LUTS -> luts = change.apply(luts);
            case STREAM -> stream = change.apply(stream);
            case SIGN_MANTISSA -> sm = change.apply(sm);
            case POSITIONS -> positions = change.apply(positions);
            case GAPS -> gaps = change.apply(gaps);
        }
        return new Df11Unit(u.name(), luts, stream, sm, positions, gaps, u.splitPositions());
    }

    private static void assertRejected(Df11Unit bad, String expectedFragment) {
        for (Df11UnitDecoder decoder : DECODERS) {
            Df11FormatException e = assertThrows(Df11FormatException.class,
                    () -> decoder.decode(bad, MemorySegment.ofArray(new short[N])), decoder.getClass().getSimpleName());
            assertTrue(e.getMessage().contains("'victim'"), e.getMessage());
            assertTrue(e.getMessage().contains(expectedFragment), decoder.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    @Test
    void theVictimIsGood() {
        assertTrue(GOOD.blockCount() == 2 && GOOD.lookupTables().tableCount() > 1, GOOD.toString());
        short[] out = new short[N];
        for (Df11UnitDecoder decoder : DECODERS) {
            decoder.decode(GOOD, MemorySegment.ofArray(out));
            assertArrayEquals(TestWeights.toShorts(TestWeights.gaussian(77, N)), out);
        }
    }

    @Test
    void pointerToMissingTable() {
        assertRejected(with(Part.LUTS, s -> {
            for (int b = 0; b < 256; b++) {
                if ((s.get(ValueLayout.JAVA_BYTE, b) & 0xFF) >= 240) {
                    s.set(ValueLayout.JAVA_BYTE, b, (byte) 241); // table 15
                    return s;
                }
            }
            throw new AssertionError("no pointer in table 0");
        }), "points to table 15");
    }

    @Test
    void positionsGoingBackwards() {
        assertRejected(with(Part.POSITIONS, s -> {
            MemorySegment three = MemorySegment.ofArray(new byte[16]); // 0, 15000, 9000, N
            three.set(ValueLayout.JAVA_INT_UNALIGNED, 4, 15_000);
            three.set(ValueLayout.JAVA_INT_UNALIGNED, 8, 9_000);
            three.set(ValueLayout.JAVA_INT_UNALIGNED, 12, N);
            return three;
        }), "backwards at block 1");
    }

    @Test
    void positionsPastN() {
        assertRejected(with(Part.POSITIONS, s -> {
            s.set(ValueLayout.JAVA_INT_UNALIGNED, 4, N + 5);
            return s;
        }), "past n");
        assertRejected(with(Part.POSITIONS, s -> {
            s.set(ValueLayout.JAVA_INT_UNALIGNED, 8, N + 1);
            return s;
        }), "must end with n");
    }

    @Test
    void positionsThatDisagreeWithTheCodes() {
        assertRejected(with(Part.POSITIONS, s -> {
            s.set(ValueLayout.JAVA_INT_UNALIGNED, 4, s.get(ValueLayout.JAVA_INT_UNALIGNED, 4) + 1);
            return s;
        }), "block 0");
    }

    @Test
    void truncatedStream() {
        assertRejected(with(Part.STREAM, s -> s.asSlice(0, s.byteSize() - 1)), "past the end");
        assertRejected(with(Part.STREAM, s -> s.asSlice(0, 4097)), "past the end");
        assertRejected(with(Part.STREAM, s -> s.asSlice(0, 100)), "encoded_exponent has 100 bytes");
    }

    @Test
    void gapsThatDisagreeOrRunShort() {
        assertRejected(with(Part.GAPS, s -> s.asSlice(0, 320)), "gaps has 320 bytes");
        assertRejected(with(Part.GAPS, s -> {
            int first = s.get(ValueLayout.JAVA_BYTE, 320) & 0xFF; // block 1's first gap is the top 5 bits
            s.set(ValueLayout.JAVA_BYTE, 320, (byte) (first ^ 0x08));
            return s;
        }), "gap");
    }

    @Test
    void shortOutputBuffer() {
        for (Df11UnitDecoder decoder : DECODERS) {
            Df11FormatException e = assertThrows(Df11FormatException.class,
                    () -> decoder.decode(GOOD, MemorySegment.ofArray(new short[N - 1])));
            assertTrue(e.getMessage().contains("'victim'") && e.getMessage().contains("output segment"), e.getMessage());
            assertThrows(Df11FormatException.class,
                    () -> decoder.decodeMatrix(GOOD, 0, MemorySegment.ofArray(new byte[1])));
        }
    }

    @Test
    void signMantissaOfTheWrongLength() {
        assertRejected(with(Part.SIGN_MANTISSA, s -> s.asSlice(0, N - 1)), "must end with n");
    }

    @Test
    void validateNamesTheSource() {
        Df11FormatException e = assertThrows(Df11FormatException.class,
                () -> with(Part.GAPS, s -> s.asSlice(0, 1)).validate("model-00001.safetensors"));
        assertTrue(e.getMessage().contains("'victim' in model-00001.safetensors: gaps"), e.getMessage());
    }

    /**
     * Random byte mutations of a valid unit: each decoder either decodes or throws Df11FormatException, within a
     * few seconds; where both decode, they agree (both read the codes from the same block starts in sequence).
     */
    @Property(tries = 300)
    void mutatedUnitsFailCleanly(@ForAll @IntRange(max = 4) int partIndex,
                                 @ForAll @Size(min = 1, max = 6) List<@IntRange(max = 1 << 20) Integer> offsets,
                                 @ForAll @Size(min = 6, max = 6) List<Byte> values,
                                 @ForAll @IntRange(max = 8) int truncate) {
        assertMutationFailsCleanly(GOOD, partIndex, offsets, values, truncate);
    }

    /** The same for the official encoder's units (non-canonical tables, end-of-stream padding). */
    @Property(tries = 200)
    void mutatedOfficialUnitsFailCleanly(@ForAll boolean tiny, @ForAll @IntRange(max = 4) int partIndex,
                                         @ForAll @Size(min = 1, max = 6) List<@IntRange(max = 1 << 20) Integer> offsets,
                                         @ForAll @Size(min = 6, max = 6) List<Byte> values,
                                         @ForAll @IntRange(max = 8) int truncate) {
        try (OfficialVectors.Vector v = OfficialVectors.open(tiny ? "tiny7" : "all_patterns_exp_lt_240")) {
            assertMutationFailsCleanly(v.unit(), partIndex, offsets, values, truncate);
        }
    }

    private static void assertMutationFailsCleanly(Df11Unit victim, int partIndex, List<Integer> offsets,
                                                   List<Byte> values, int truncate) {
        Part part = Part.values()[partIndex];
        int n = (int) victim.elementCount();
        Df11Unit bad = with(victim, part, s -> {
            for (int k = 0; k < offsets.size(); k++) {
                long at = offsets.get(k) % s.byteSize();
                s.set(ValueLayout.JAVA_BYTE, at, values.get(k));
            }
            return truncate == 8 && s.byteSize() > 1 ? s.asSlice(0, s.byteSize() - 1) : s;
        });
        String name = "'" + victim.name() + "'";
        short[][] outputs = new short[DECODERS.size()][];
        for (int d = 0; d < DECODERS.size(); d++) {
            Df11UnitDecoder decoder = DECODERS.get(d);
            int index = d;
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                short[] out = new short[n];
                try {
                    decoder.decode(bad, MemorySegment.ofArray(out));
                    outputs[index] = out;
                } catch (Df11FormatException expected) {
                    assertTrue(expected.getMessage().contains(name), expected.getMessage());
                }
            });
        }
        if (outputs[0] != null && outputs[1] != null) {
            assertArrayEquals(outputs[0], outputs[1]);
        }
    }
}
