package dev.df11.lab.decode;

import dev.df11.format.codec.Df11Decoder;
import dev.df11.format.testing.OfficialVectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every kernel version reproduces every official DFloat11 test vector bit for bit, as the CPU decoder does. */
class OfficialVectorsOnDeviceTest {

    static Stream<Arguments> vectorsAndVersions() {
        return OfficialVectors.NAMES.stream()
                .flatMap(name -> Stream.of(KernelVersion.values()).map(v -> Arguments.of(name, v)));
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("vectorsAndVersions")
    void decodesOfficialVectorBitForBit(String name, KernelVersion version) {
        try (OfficialVectors.Vector vector = OfficialVectors.open(name); Arena arena = Arena.ofShared()) {
            long n = vector.elementCount();
            MemorySegment cpu = arena.allocate(Math.max(2, 2 * n));
            new Df11Decoder(2).decode(vector.unit(), cpu);
            short[] original = vector.concatenatedOriginals();
            assertArrayEquals(original, cpu.asSlice(0, 2 * n).toArray(ValueLayout.JAVA_SHORT),
                    "CPU decoder disagrees with the originals of " + name);

            MemorySegment gpu = arena.allocate(Math.max(2, 2 * n));
            try (TornadoDecoder decoder = new TornadoDecoder(LadderUnit.of(vector.unit(), name), version, null,
                    false)) {
                decoder.decode(gpu);
            }
            assertArrayEquals(cpu.asSlice(0, 2 * n).toArray(ValueLayout.JAVA_SHORT), gpu.asSlice(0, 2 * n).toArray(ValueLayout.JAVA_SHORT), name);
            assertEquals(-1L, MemorySegment.mismatch(cpu, 0, 2 * n, gpu, 0, 2 * n),
                    () -> name + " with " + version + ": first differing byte");
        }
    }
}
