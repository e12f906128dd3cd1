package dev.df11.format.codec;

import dev.df11.format.bf16.Bf16;
import dev.df11.format.huffman.CanonicalCode;
import dev.df11.format.testing.Histograms;
import dev.df11.format.testing.TestWeights;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Checks the encoder's arrays against a deliberately naive encoder written from the layout's definition: one bit at a
 * time into a BitSet, code starts recorded per element, gaps and positions derived from those starts.
 */
class EncoderLayoutTest {

    /** The layout as defined, for a given code. */
    private record Expected(byte[] stream, byte[] signMantissa, byte[] outputPositions, byte[] gaps) {
    }

    private static Expected naiveEncode(short[] weights, CanonicalCode code) {
        BitSet bits = new BitSet();
        long[] starts = new long[weights.length];
        long pos = 0;
        byte[] sm = new byte[weights.length];
        for (int i = 0; i < weights.length; i++) {
            int e = Bf16.exponent(weights[i]);
            sm[i] = (byte) Bf16.signMantissa(weights[i]);
            starts[i] = pos;
            for (int b = code.length(e) - 1; b >= 0; b--) {
                bits.set((int) pos++, ((code.code(e) >>> b) & 1) == 1);
            }
        }
        int streamBytes = (int) ((pos + 7) / 8);
        byte[] stream = new byte[streamBytes];
        for (int b = 0; b < pos; b++) {
            if (bits.get(b)) {
                stream[b / 8] |= (byte) (0x80 >>> (b % 8));
            }
        }
        int blocks = (streamBytes + 4095) / 4096;
        int windows = blocks * 512;
        int[] gap = new int[windows];
        boolean[] seen = new boolean[windows];
        long[] positions = new long[blocks + 1];
        Arrays.fill(positions, weights.length);
        boolean[] blockSeen = new boolean[blocks];
        for (int i = 0; i < weights.length; i++) {
            int w = (int) (starts[i] / 64);
            if (!seen[w]) {
                seen[w] = true;
                gap[w] = (int) (starts[i] % 64);
            }
            int b = (int) (starts[i] / 32768);
            if (!blockSeen[b]) {
                blockSeen[b] = true;
                positions[b] = i;
            }
        }
        ByteArrayOutputStream posBytes = new ByteArrayOutputStream();
        for (long p : positions) {
            for (int k = 0; k < 4; k++) {
                posBytes.write((int) (p >>> (8 * k)) & 0xFF);
            }
        }
        byte[] gaps = new byte[windows * 5 / 8];
        for (int w = 0; w < windows; w++) {
            for (int k = 0; k < 5; k++) {
                if (((gap[w] >>> (4 - k)) & 1) == 1) {
                    int bit = w * 5 + k;
                    gaps[bit / 8] |= (byte) (0x80 >>> (bit % 8));
                }
            }
        }
        return new Expected(stream, sm, posBytes.toByteArray(), gaps);
    }

    private static void assertLayout(short[] weights, int parallelism, int minChunk) {
        Df11Unit unit = new Df11Encoder(parallelism, minChunk).encode("layout", List.of(MemorySegment.ofArray(weights)));
        long[] counts = new long[256];
        for (short w : weights) {
            counts[Bf16.exponent(w)]++;
        }
        int distinct = (int) Arrays.stream(counts).filter(c -> c > 0).count();
        CanonicalCode code = distinct == 0 ? null : CanonicalCode.forCounts(counts, 32);
        if (code == null) {
            assertEquals(0, unit.streamBytes());
            return;
        }
        Expected expected = naiveEncode(weights, code);
        assertArrayEquals(expected.stream(), unit.encodedExponent().toArray(ValueLayout.JAVA_BYTE), "stream");
        assertArrayEquals(expected.signMantissa(), unit.signMantissa().toArray(ValueLayout.JAVA_BYTE), "sign_mantissa");
        assertArrayEquals(expected.outputPositions(), unit.outputPositions().toArray(ValueLayout.JAVA_BYTE), "positions");
        assertArrayEquals(expected.gaps(), unit.gaps().toArray(ValueLayout.JAVA_BYTE), "gaps");
        for (int e = 0; e < 256; e++) {
            assertEquals(code.length(e), unit.lookupTables().codeLength(e));
        }
    }

    @Test
    void smallUnitsWithTinyChunks() {
        for (int n : new int[] {1, 2, 3, 5, 8, 13, 64, 100, 4097}) {
            short[] w = TestWeights.toShorts(TestWeights.gaussian(n * 31L, n, 0.5));
            for (int chunk : new int[] {1, 2, 7, 1 << 16}) {
                assertLayout(w, 3, chunk);
            }
        }
    }

    @Test
    void severalBlocksOfLongAndShortCodes() {
        // Fibonacci counts mix 1-bit and 20-bit codes, so window and block edges fall inside codes of every length.
        short[] w = TestWeights.toShorts(TestWeights.withExponentCounts(4, Histograms.fibonacci(100, 21)));
        assertLayout(w, 2, 1000);
        short[] g = TestWeights.toShorts(TestWeights.gaussian(9, 200_000));
        assertLayout(g, 2, 4999);
        assertLayout(g, 1, 1 << 16);
    }

    @Test
    void singleSymbolLayout() {
        short[] w = new short[70_000];
        Arrays.fill(w, (short) 0x3C00);
        assertLayout(w, 2, 333);
    }
}
