package dev.df11.runtime.weights;

import dev.df11.format.codec.Df11Unit;
import dev.df11.format.model.Df11Model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** A DF11 model folder ({@link Df11Model}, ours or official) as the {@link CompressedWeights} a store reads. */
public final class Df11ModelWeights implements CompressedWeights {

    private final Df11Model model;
    private final TensorSource plain;

    public Df11ModelWeights(Df11Model model) {
        this.model = model;
        this.plain = SafetensorsTensorSource.borrowing(model.tensors());
    }

    public static Df11ModelWeights open(Path dir) throws IOException {
        return new Df11ModelWeights(Df11Model.open(dir));
    }

    @Override
    public String location() {
        return model.dir().toString();
    }

    @Override
    public Optional<Location> locate(String weightName) {
        return model.locate(weightName).map(ref -> new Location(ref.unit(), ref.index()));
    }

    @Override
    public java.util.Set<String> weightNames() {
        java.util.Set<String> names = new java.util.TreeSet<>(model.plainTensorNames());
        names.addAll(model.compressedWeightNames());
        return names;
    }

    @Override
    public Df11Unit unit(String unitName) {
        return model.unit(unitName);
    }

    @Override
    public TensorSource plainTensors() {
        return plain;
    }

    @Override
    public void close() {
        model.close();
    }
}
