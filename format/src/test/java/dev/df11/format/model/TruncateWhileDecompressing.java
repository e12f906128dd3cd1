package dev.df11.format.model;

import dev.df11.format.codec.Df11Decoder;
import dev.df11.format.codec.Df11Unit;
import dev.df11.format.safetensors.MappedFileChangedException;
import dev.df11.format.safetensors.MappedFiles;
import dev.df11.format.safetensors.SafetensorsFile;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;

/**
 * Child-JVM main of {@link TruncatedWhileDecompressingTest}: decompresses a DF11 folder whose shard another "program" truncates
 * in the middle of the run, just before the sign_mantissa bytes of the last unit, after the decoder has run long
 * enough for C2 to compile its word merge (a compiled Vector API load from a truncated mapping kills the JVM with
 * SIGBUS). Prints the error it got and exits 0, or exits 1 when decompress did not fail.
 */
public final class TruncateWhileDecompressing {

    private TruncateWhileDecompressing() { }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        Path bf16 = TinyLlama.write(root.resolve("bf16"), 2, false);
        Path df11 = root.resolve("df11");
        Df11Compressor.compress(bf16, df11, CompressOptions.defaults(), new ProgressListener() { });
        Path shard = df11.resolve("model.safetensors");
        long cut;
        try (Df11Model model = Df11Model.open(df11)) {
            Df11Decoder decoder = new Df11Decoder(1);
            List<String> units = model.unitNames();
            for (int round = 0; round < 1500; round++) {
                for (String name : units) {
                    Df11Unit unit = model.unit(name);
                    decoder.decode(unit, Arena.ofAuto().allocate(2 * unit.elementCount()));
                }
            }
            try (SafetensorsFile f = SafetensorsFile.open(shard)) {
                cut = f.tensor(UnitTensors.name(units.getLast(), UnitTensors.SIGN_MANTISSA)).dataOffset();
            }
        }
        Path out = root.resolve("out");
        try {
            MappedFiles.guard(() -> Df11Decompressor.decompress(df11, out, 1, false, Long.MAX_VALUE,
                    new ProgressListener() {
                        private boolean done;

                        @Override
                        public void step(String what) {
                            if (!done) {
                                done = true;
                                truncate(shard, cut);
                            }
                        }
                    }));
            System.out.println("decompress did not fail");
            System.exit(1);
        } catch (MappedFileChangedException e) {
            System.out.println(e.getMessage());
        }
    }

    private static void truncate(Path file, long length) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
