package dev.df11.runtime.weights;

import dev.df11.format.safetensors.DType;
import dev.df11.format.safetensors.SafetensorsDirectory;
import dev.df11.format.safetensors.TensorInfo;

import java.io.IOException;
import java.nio.file.Path;

/** The BF16 tensors of a model folder's safetensors files, memory-mapped (never copied). */
public final class SafetensorsTensorSource implements TensorSource {

    private final SafetensorsDirectory files;
    private final boolean owner;

    private SafetensorsTensorSource(SafetensorsDirectory files, boolean owner) {
        this.files = files;
        this.owner = owner;
    }

    /** Opens the folder's files; closing the source closes them. */
    public static SafetensorsTensorSource open(Path modelDir) throws IOException {
        return new SafetensorsTensorSource(SafetensorsDirectory.open(modelDir), true);
    }

    /** A view of files someone else opened and will close. */
    public static SafetensorsTensorSource borrowing(SafetensorsDirectory files) {
        return new SafetensorsTensorSource(files, false);
    }

    @Override
    public String location() {
        return files.dir().toString();
    }

    @Override
    public boolean contains(String name) {
        return files.contains(name);
    }

    @Override
    public java.util.Set<String> names() {
        return files.tensorNames();
    }

    @Override
    public Bf16Tensor tensor(String name) {
        if (!files.contains(name)) {
            throw new WeightFormatException(files.dir() + ": tensor " + name + " is missing from the safetensors files");
        }
        TensorInfo info = files.tensor(name);
        String file = files.fileOf(name).toString();
        if (info.dtype() != DType.BF16) {
            throw new WeightFormatException(file + ": tensor " + name + " has dtype " + info.dtype()
                    + "; the runtime reads BF16 weights only");
        }
        return new Bf16Tensor(name, info.shape(), files.data(name), file);
    }

    @Override
    public void close() {
        if (owner) {
            files.close();
        }
    }
}
