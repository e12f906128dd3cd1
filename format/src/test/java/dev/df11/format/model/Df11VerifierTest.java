package dev.df11.format.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.df11.format.safetensors.SafetensorsDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Df11VerifierTest {

    @TempDir
    Path tmp;

    private Df11Verifier.Report verify(Path df11, Path reference) throws IOException {
        try (Df11Model model = Df11Model.open(df11); SafetensorsDirectory ref = SafetensorsDirectory.open(reference)) {
            return Df11Verifier.verify(model, ref, 2, ProgressListener.NONE);
        }
    }

    @Test
    void reportsEveryDifferenceByTensorAndFirstIndex() throws IOException {
        Path bf16 = TinyLlama.write(tmp.resolve("bf16"), 2, false);
        Df11Compressor.compress(bf16, tmp.resolve("df11"), CompressOptions.defaults().withThreads(2),
                ProgressListener.NONE);
        Df11Verifier.Report clean = verify(tmp.resolve("df11"), bf16);
        assertTrue(clean.identical(), clean.mismatches().toString());
        assertEquals(4, clean.units());
        assertEquals(2 * 9 + 3, clean.tensorsCompared());

        short original = word(bf16, "model.layers.1.mlp.up_proj.weight", 1234);
        TinyLlama.setWord(bf16, "model.layers.1.mlp.up_proj.weight", 1234, (short) 0x1234);
        TinyLlama.setWord(bf16, "model.layers.0.input_layernorm.weight", 7, (short) 0x4321);
        Df11Verifier.Report changed = verify(tmp.resolve("df11"), bf16);
        assertEquals(List.of(
                "model.layers.1.mlp.up_proj.weight: differs first at element 1234: decoded 0x%04x, reference 0x1234"
                        .formatted(original),
                "model.layers.0.input_layernorm.weight: differs first at element 7 (byte 14)"),
                changed.mismatches().stream().map(Object::toString).toList());
    }

    @Test
    void reportsTensorsMissingOnEitherSide() throws IOException {
        Path bf16 = TinyLlama.write(tmp.resolve("bf16"), 1, false);
        Df11Compressor.compress(bf16, tmp.resolve("df11"), CompressOptions.defaults().withThreads(2),
                ProgressListener.NONE);
        Path other = TinyLlama.write(tmp.resolve("other"), 2, true);
        Df11Verifier.Report report = verify(tmp.resolve("df11"), other);
        List<String> problems = report.mismatches().stream().map(Object::toString).toList();
        assertTrue(problems.contains("lm_head.weight: not in the reference folder"), problems.toString());
        assertTrue(problems.contains("model.layers.1.self_attn.q_proj.weight: missing from the DF11 folder"),
                problems.toString());
        assertTrue(problems.contains("model.norm.weight: differs first at element 0 (byte 0)"), problems.toString());
        assertTrue(problems.stream().noneMatch(p -> p.startsWith("model.layers.0.")), "layer 0 is the same in both");
    }

    private static short word(Path dir, String tensor, long index) throws IOException {
        try (SafetensorsDirectory st = SafetensorsDirectory.open(dir)) {
            return st.data(tensor).get(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, 2 * index);
        }
    }
}
