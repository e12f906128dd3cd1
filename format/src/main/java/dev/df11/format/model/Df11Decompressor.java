package dev.df11.format.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.df11.format.codec.Df11Decoder;
import dev.df11.format.codec.Df11Unit;
import dev.df11.format.safetensors.DType;
import dev.df11.format.safetensors.ShardedSafetensorsWriter;
import dev.df11.format.safetensors.TensorInfo;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Turns a DF11 folder back into a plain BF16 Hugging Face folder: every compressed matrix is decoded under its weight
 * name and shape, plain tensors are copied byte for byte, config.json loses {@code dfloat11_config}, other files are
 * copied. Built in a hidden staging folder, renamed when complete.
 *
 * <p>With checking on (the default), every decoded matrix and every copied tensor is checked against the checksums
 * recorded at compress time ({@link ChecksumVerifier}) before it is written; the first mismatch stops the job and
 * nothing is left behind. A folder without checksums is decompressed with a notice that it could not be checked.
 */
public final class Df11Decompressor {

    /**
     * @param inputBytes  stored tensor bytes of the DF11 folder
     * @param outputBytes tensor bytes written
     */
    public record Report(Path outDir, int units, int plainTensors, long inputBytes, long outputBytes, long nanos,
                         Integrity integrity) { }

    /** What was checked. */
    public enum Integrity {
        /** Every tensor matched its recorded checksum. */
        VERIFIED,
        /** The folder records no checksums; nothing could be checked. */
        NO_CHECKSUMS,
        /** Checking was turned off. */
        NOT_CHECKED
    }

    private Df11Decompressor() { }

    /** Decompresses {@code df11Dir} into {@code outDir}, checking every tensor against its recorded checksum. */
    public static Report decompress(Path df11Dir, Path outDir, int threads, boolean replaceExisting,
            long maxShardBytes, ProgressListener listener) throws IOException {
        return decompress(df11Dir, outDir, threads, replaceExisting, maxShardBytes, true, listener);
    }

    /**
     * Decompresses {@code df11Dir} into {@code outDir}.
     *
     * @param check check every tensor against its recorded checksum before writing it
     * @throws Df11ModelException on a checksum mismatch (naming the tensor and file; nothing is written)
     */
    public static Report decompress(Path df11Dir, Path outDir, int threads, boolean replaceExisting,
            long maxShardBytes, boolean check, ProgressListener listener) throws IOException {
        long start = System.nanoTime();
        ModelPaths.requireSeparate(df11Dir, outDir);
        try (Df11Model model = Df11Model.open(df11Dir);
                StagingDirectory staging = StagingDirectory.create(outDir, replaceExisting)) {
            staging.removedStale().forEach(p -> listener.notice("removed " + p + ", left behind by a killed run"));
            List<String> units = model.unitNames();
            Set<String> plain = model.plainTensorNames();
            ChecksumVerifier checksums = check ? ChecksumVerifier.of(model) : null;
            if (checksums != null && !checksums.recorded()) {
                listener.notice(ChecksumVerifier.noChecksumsNotice(df11Dir));
            }
            listener.started(units.size() + plain.size());
            ShardedSafetensorsWriter writer = new ShardedSafetensorsWriter(staging.path(), "model", maxShardBytes)
                    .putMetadata("format", "pt");
            Df11Decoder decoder = new Df11Decoder(threads);
            for (String unitName : units) {
                Df11Unit unit = model.unit(unitName);
                // the writer keeps the buffer until its shard is written; the GC frees it after that
                MemorySegment bf16 = Arena.ofAuto().allocate(2 * unit.elementCount(), 8);
                decoder.decode(unit, bf16);
                if (checksums != null) {
                    for (Df11Verifier.Mismatch m : checksums.checkUnit(unitName, unit, bf16, threads)) {
                        refuse(df11Dir, m.tensor(), m.problem());
                    }
                }
                List<String> names = model.matrixNames(unitName);
                for (int m = 0; m < names.size(); m++) {
                    MatrixRef ref = model.locate(names.get(m)).orElseThrow();
                    MemorySegment slice = bf16.asSlice(2 * unit.matrixStart(m),
                            2 * (unit.matrixEnd(m) - unit.matrixStart(m)));
                    writer.add(names.get(m), DType.BF16, ref.shape(), slice);
                }
                listener.step(unitName);
            }
            for (String name : plain) {
                TensorInfo t = model.tensors().tensor(name);
                if (checksums != null) {
                    refuse(df11Dir, name, checksums.checkPlain(name));
                }
                writer.add(name, t.dtype(), t.shape(), model.tensors().data(name));
                listener.step(name);
            }
            if (checksums != null) {
                Set<String> seen = new java.util.HashSet<>(plain);
                seen.addAll(model.compressedWeightNames());
                for (Df11Verifier.Mismatch m : checksums.missing(seen)) {
                    refuse(df11Dir, m.tensor(), m.problem());
                }
            }
            writer.finish();
            ObjectNode config = (ObjectNode) model.config().deepCopy();
            config.remove(Df11Config.KEY);
            ModelFolder.writeConfig(config, staging.path());
            for (String notice : ModelFolder.copyOtherFiles(df11Dir, staging.path())) {
                listener.notice(notice);
            }
            model.tensors().requireUnchanged();
            staging.commit();
            Integrity integrity = checksums == null ? Integrity.NOT_CHECKED
                    : checksums.recorded() ? Integrity.VERIFIED : Integrity.NO_CHECKSUMS;
            return new Report(staging.target(), units.size(), plain.size(), model.tensors().dataBytes(),
                    writer.totalBytes(), System.nanoTime() - start, integrity);
        }
    }

    private static void refuse(Path df11Dir, String tensor, String problem) throws Df11ModelException {
        if (problem != null) {
            throw new Df11ModelException(df11Dir, "tensor '" + tensor + "' " + problem
                    + "; nothing was written (decompress --no-check writes the weights as they decode)");
        }
    }
}
