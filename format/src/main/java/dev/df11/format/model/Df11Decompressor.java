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
 */
public final class Df11Decompressor {

    /**
     * @param inputBytes  stored tensor bytes of the DF11 folder
     * @param outputBytes tensor bytes written
     */
    public record Report(Path outDir, int units, int plainTensors, long inputBytes, long outputBytes, long nanos) { }

    private Df11Decompressor() { }

    /** Decompresses {@code df11Dir} into {@code outDir}. */
    public static Report decompress(Path df11Dir, Path outDir, int threads, boolean replaceExisting,
            long maxShardBytes, ProgressListener listener) throws IOException {
        long start = System.nanoTime();
        ModelPaths.requireSeparate(df11Dir, outDir);
        try (Df11Model model = Df11Model.open(df11Dir);
                StagingDirectory staging = StagingDirectory.create(outDir, replaceExisting)) {
            staging.removedStale().forEach(p -> listener.notice("removed " + p + ", left behind by a killed run"));
            List<String> units = model.unitNames();
            Set<String> plain = model.plainTensorNames();
            listener.started(units.size() + plain.size());
            ShardedSafetensorsWriter writer = new ShardedSafetensorsWriter(staging.path(), "model", maxShardBytes)
                    .putMetadata("format", "pt");
            Df11Decoder decoder = new Df11Decoder(threads);
            for (String unitName : units) {
                Df11Unit unit = model.unit(unitName);
                // the writer keeps the buffer until its shard is written; the GC frees it after that
                MemorySegment bf16 = Arena.ofAuto().allocate(2 * unit.elementCount(), 8);
                decoder.decode(unit, bf16);
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
                writer.add(name, t.dtype(), t.shape(), model.tensors().data(name));
                listener.step(name);
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
            return new Report(staging.target(), units.size(), plain.size(), model.tensors().dataBytes(),
                    writer.totalBytes(), System.nanoTime() - start);
        }
    }
}
