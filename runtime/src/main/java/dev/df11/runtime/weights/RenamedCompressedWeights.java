package dev.df11.runtime.weights;

import dev.df11.format.codec.Df11Unit;

import java.util.Optional;
import java.util.Set;

/** {@link CompressedWeights} seen through {@link LanguageModelNames}: the runtime's names, the stored units. */
final class RenamedCompressedWeights implements CompressedWeights {

    private final CompressedWeights stored;
    private final LanguageModelNames names;
    private final TensorSource plain;

    RenamedCompressedWeights(CompressedWeights stored, LanguageModelNames names) {
        this.stored = stored;
        this.names = names;
        this.plain = new RenamedTensorSource(stored.plainTensors(), names);
    }

    @Override
    public String location() {
        return stored.location();
    }

    @Override
    public Optional<Location> locate(String weightName) {
        return stored.locate(names.stored(weightName));
    }

    @Override
    public Set<String> weightNames() {
        return names.runtimeNames(stored.weightNames());
    }

    @Override
    public Df11Unit unit(String unitName) {
        return stored.unit(unitName);
    }

    @Override
    public TensorSource plainTensors() {
        return plain;
    }

    @Override
    public void close() {
        stored.close();
    }
}
