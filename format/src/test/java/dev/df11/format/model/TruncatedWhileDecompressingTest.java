package dev.df11.format.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.df11.format.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM crash of the issue: a shard truncated while {@code decompress} has it mapped. HotSpot turns a SIGBUS in a
 * compiled method into an InternalError only when that method does Unsafe memory accesses of its own; a method whose
 * only memory accesses are Vector API loads (the decoder's word merge when C2 compiles it apart, forced here with
 * {@code dontinline}) dies with SIGBUS, exit 134 and an hs_err file. Run in a child JVM so that a regression fails
 * this test instead of killing the test JVM.
 */
class TruncatedWhileDecompressingTest {

    @TempDir
    Path tmp;

    @Test
    void shardTruncatedWhileDecompressingEndsInAnErrorNamingItNotAJvmCrash() throws Exception {
        ChildJvm.Result r = ChildJvm.run(tmp, List.of("-XX:CompileCommand=quiet",
                "-XX:CompileCommand=dontinline,dev.df11.format.codec.VectorWordMerge::merge"),
                TruncateWhileDecompressing.class, tmp);
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains(tmp.resolve("df11/model.safetensors")
                + ": the file changed while df11 was reading it"), r.output());
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of("bf16", "df11"), s.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no output, no partial folder, no hs_err file");
        }
    }
}
