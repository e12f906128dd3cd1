package dev.df11.runtime.weights;

/** Named BF16 tensors, usually the memory-mapped safetensors files of a model folder. */
public interface TensorSource extends AutoCloseable {

    /** The folder or file, for messages. */
    String location();

    boolean contains(String name);

    /** Names of every tensor the source holds. */
    java.util.Set<String> names();

    /** The tensor; throws {@link WeightFormatException} naming the file and tensor if absent or not BF16. */
    Bf16Tensor tensor(String name);

    @Override
    void close();
}
