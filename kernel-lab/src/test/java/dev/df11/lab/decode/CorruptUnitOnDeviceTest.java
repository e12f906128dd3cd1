package dev.df11.lab.decode;

import dev.df11.format.codec.Df11Encoder;
import dev.df11.format.codec.Df11FormatException;
import dev.df11.format.codec.Df11Unit;
import dev.df11.format.testing.TestWeights;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Positions that pass the host's structural checks but disagree with the stream are caught after the launch. */
class CorruptUnitOnDeviceTest {

    @ParameterizedTest
    @EnumSource(KernelVersion.class)
    void positionsThatDisagreeWithTheStreamAreReported(KernelVersion version) {
        Df11Unit good = new Df11Encoder(2).encode("gauss", List.of(TestWeights.gaussian(5, 50_000)));
        MemorySegment positions = Arena.ofAuto().allocate(good.outputPositions().byteSize());
        positions.copyFrom(good.outputPositions());
        // Block 1 now claims to start one element later: still increasing and within a block's capacity.
        positions.set(ValueLayout.JAVA_INT_UNALIGNED, 4, positions.get(ValueLayout.JAVA_INT_UNALIGNED, 4) + 1);
        Df11Unit bad = new Df11Unit("gauss", good.luts(), good.encodedExponent(), good.signMantissa(), positions,
                good.gaps(), good.splitPositions());
        bad.validate("corrupt.safetensors");

        try (TornadoDecoder decoder = new TornadoDecoder(LadderUnit.of(bad, "corrupt.safetensors"), version, null,
                false)) {
            Df11FormatException e = assertThrows(Df11FormatException.class,
                    () -> decoder.decode(Arena.ofAuto().allocate(2 * bad.elementCount())));
            assertTrue(e.getMessage().contains("gauss") && e.getMessage().contains("block 0"), e.getMessage());
        }
    }
}
