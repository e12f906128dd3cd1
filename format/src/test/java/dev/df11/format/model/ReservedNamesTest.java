package dev.df11.format.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.df11.format.safetensors.DType;
import dev.df11.format.safetensors.SafetensorsWriter;
import dev.df11.format.testing.TestWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.api.io.TempDir;

/** An input tensor named like a unit array would make an unreadable DF11 folder: refused before writing. */
class ReservedNamesTest {

    static final List<String> SUFFIXES = UnitTensors.SUFFIXES;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @FieldSource("SUFFIXES")
    void inputTensorNamedLikeAUnitArrayIsRefusedBeforeAnythingIsWritten(String suffix) throws IOException {
        Path bf16 = TinyLlama.write(tmp.resolve("bf16"), 1, true);
        Path extra = bf16.resolve("extra.safetensors");
        new SafetensorsWriter().add("foo." + suffix, DType.BF16, new long[] {8}, TestWeights.gaussian(1, 8))
                .write(extra);
        Df11ModelException e = assertThrows(Df11ModelException.class, () -> Df11Compressor.compress(bf16,
                tmp.resolve("out"), CompressOptions.defaults(), new ProgressListener() { }));
        assertTrue(e.getMessage().startsWith(extra + ": tensor 'foo." + suffix + "': its name ends in '." + suffix
                + "', which a DF11 folder reserves"), e.getMessage());
        assertTrue(e.getMessage().endsWith("rename the tensor in the input before compressing"), e.getMessage());
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of("bf16"), s.map(p -> p.getFileName().toString()).toList());
        }
    }
}
