package dev.df11.runtime.weights;

import java.util.Set;

/** A {@link TensorSource} seen through {@link LanguageModelNames}: the runtime's names, the stored tensors. */
final class RenamedTensorSource implements TensorSource {

    private final TensorSource stored;
    private final LanguageModelNames names;

    RenamedTensorSource(TensorSource stored, LanguageModelNames names) {
        this.stored = stored;
        this.names = names;
    }

    @Override
    public String location() {
        return stored.location();
    }

    @Override
    public boolean contains(String name) {
        return stored.contains(names.stored(name));
    }

    @Override
    public Set<String> names() {
        return names.runtimeNames(stored.names());
    }

    @Override
    public Bf16Tensor tensor(String name) {
        return stored.tensor(names.stored(name));
    }

    @Override
    public void close() {
        stored.close();
    }
}
