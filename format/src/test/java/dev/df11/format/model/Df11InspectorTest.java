package dev.df11.format.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Df11InspectorTest {

    @TempDir
    Path tmp;

    @Test
    void predictionForBf16MatchesTheCompressedFolder() throws IOException {
        Path bf16 = TinyLlama.write(tmp.resolve("bf16"), 2, false);
        TinyLlama.setWord(bf16, "lm_head.weight", 3, (short) 0xFF80);   // -Inf: lm_head cannot be encoded
        assertFalse(Df11Inspector.isDf11Folder(bf16));
        InspectionReport predicted = Df11Inspector.inspectBf16(bf16, null, 2, ProgressListener.NONE);
        Df11Compressor.compress(bf16, tmp.resolve("df11"), CompressOptions.defaults().withThreads(2),
                ProgressListener.NONE);
        assertTrue(Df11Inspector.isDf11Folder(tmp.resolve("df11")));
        InspectionReport measured;
        try (Df11Model model = Df11Model.open(tmp.resolve("df11"))) {
            measured = Df11Inspector.inspectDf11(model, 2, ProgressListener.NONE);
        }
        assertFalse(predicted.compressed());
        assertTrue(measured.compressed());
        assertEquals(4, predicted.units().size());
        assertEquals(3, measured.units().size(), "the kept unit is a plain tensor in the DF11 folder");
        UnitStatistics kept = predicted.units().stream().filter(u -> u.keptReason() != null).findFirst().orElseThrow();
        assertEquals("lm_head", kept.unit());
        assertEquals(predicted.df11Bytes(), measured.df11Bytes(), "same total either way");
        assertEquals(predicted.bf16Bytes(), measured.bf16Bytes());
        for (UnitStatistics m : measured.units()) {
            UnitStatistics p = predicted.units().stream().filter(u -> u.unit().equals(m.unit())).findFirst()
                    .orElseThrow();
            assertEquals(p, m, m.unit());
            assertNull(m.keptReason());
            assertTrue(m.entropyBits() > 1 && m.entropyBits() < 4, "Gaussian weights: " + m.entropyBits());
            assertTrue(m.averageCodeBits() >= m.entropyBits() && m.averageCodeBits() < m.entropyBits() + 1,
                    "Huffman is within one bit of the entropy: " + m);
            assertTrue(m.maxCodeBits() >= 2 && m.maxCodeBits() <= 32);
            assertTrue(m.tables() >= 1 && m.tables() <= 16);
            assertTrue(m.ratio() > 0.5 && m.ratio() < 1, m.toString());
        }
    }
}
