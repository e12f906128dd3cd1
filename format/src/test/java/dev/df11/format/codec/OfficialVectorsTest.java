package dev.df11.format.codec;

import dev.df11.format.testing.OfficialVectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Units made by the official DFloat11 encoder: both our decoders must give back every original bit. */
class OfficialVectorsTest {

    static Stream<String> names() {
        return OfficialVectors.NAMES.stream();
    }

    static List<Df11UnitDecoder> decoders() {
        return List.of(new Df11Decoder(1), new Df11Decoder(2), new ThreadModelDecoder());
    }

    @Test
    void everyVectorOnDiskIsCovered() {
        assertEquals(OfficialVectors.NAMES.stream().sorted().toList(), OfficialVectors.namesOnDisk());
    }

    @ParameterizedTest
    @MethodSource("names")
    void decodersReproduceTheOriginalsBitForBit(String name) {
        try (OfficialVectors.Vector v = OfficialVectors.open(name)) {
            v.unit().validate(v.file().path().toString());
            short[] expected = v.concatenatedOriginals();
            assertEquals(expected.length, v.unit().elementCount());
            for (Df11UnitDecoder decoder : decoders()) {
                short[] out = new short[expected.length];
                decoder.decode(v.unit(), MemorySegment.ofArray(out));
                assertArrayEquals(expected, out, decoder.getClass().getSimpleName() + " on " + name);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("names")
    void decodersReproduceEachMatrix(String name) {
        try (OfficialVectors.Vector v = OfficialVectors.open(name)) {
            assertEquals(v.originals().size(), v.unit().matrixCount());
            for (Df11UnitDecoder decoder : decoders()) {
                for (int m = 0; m < v.originals().size(); m++) {
                    short[] expected = v.originals().get(m).toArray(ValueLayout.JAVA_SHORT_UNALIGNED);
                    short[] out = new short[expected.length];
                    decoder.decodeMatrix(v.unit(), m, MemorySegment.ofArray(out));
                    assertArrayEquals(expected, out, decoder.getClass().getSimpleName() + " on " + name + " matrix " + m);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("names")
    void ourEncoderCompressesAtLeastAsWell(String name) {
        try (OfficialVectors.Vector v = OfficialVectors.open(name)) {
            Df11Unit ours = new Df11Encoder(2).encode(name, v.originals());
            long ourBytes = ours.encodedExponent().byteSize() + ours.signMantissa().byteSize()
                    + ours.outputPositions().byteSize() + ours.gaps().byteSize();
            assertTrue(ourBytes <= v.compressedBytes(), name + ": ours " + ourBytes + " > official " + v.compressedBytes());
            short[] out = new short[Math.toIntExact(v.elementCount())];
            new Df11Decoder(2).decode(ours, MemorySegment.ofArray(out));
            assertArrayEquals(v.concatenatedOriginals(), out);
        }
    }
}
