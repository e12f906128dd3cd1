package dev.df11.runtime.weights;

import dev.df11.runtime.model.ModelConfig;
import dev.df11.runtime.model.ModelConfigParser;

import java.io.IOException;
import java.nio.file.Path;

/** Opens the right {@link WeightStore} for a model folder: DF11 when config.json has dfloat11_config, else BF16. */
public final class WeightStores {

    private WeightStores() {
    }

    /**
     * Options for DF11 stores: threads that decode the embedding rows a lookup asks for. (Decoding whole units is the
     * backend's business, with the backend's options.)
     */
    public record Df11Options(int decodeThreads) {
        public static Df11Options defaults() {
            return new Df11Options(Runtime.getRuntime().availableProcessors());
        }
    }

    public static WeightStore open(Path modelDir, Df11Options options) throws IOException {
        ModelConfig config = ModelConfigParser.read(modelDir);
        if (config.df11()) {
            Df11ModelWeights compressed = Df11ModelWeights.open(modelDir);
            try {
                if (config.multimodal()) {
                    LanguageModelNames names = LanguageModelNames.require(compressed.weightNames(),
                            compressed.location());
                    notice(compressed.location(), names.skippedCount(compressed.weightNames()));
                    return new Df11WeightStore(config, new RenamedCompressedWeights(compressed, names), options);
                }
                return new Df11WeightStore(config, compressed, options);
            } catch (RuntimeException e) {
                compressed.close();
                throw e;
            }
        }
        SafetensorsTensorSource source = SafetensorsTensorSource.open(modelDir);
        try {
            if (config.multimodal()) {
                LanguageModelNames names = LanguageModelNames.require(source.names(), source.location());
                notice(source.location(), names.skippedCount(source.names()));
                return new Bf16WeightStore(config, new RenamedTensorSource(source, names));
            }
            return new Bf16WeightStore(config, source);
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    /** Says on stderr that a multimodal folder's vision tower is not loaded (the output stays the generated text). */
    private static void notice(String location, long skipped) {
        if (skipped > 0) {
            System.err.println("note: " + location + ": the " + skipped + " tensors of the vision tower and the "
                    + "multimodal projector are skipped; only the language model runs (text in, text out)");
        }
    }
}
