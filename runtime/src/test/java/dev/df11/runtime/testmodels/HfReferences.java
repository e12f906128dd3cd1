package dev.df11.runtime.testmodels;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * The reference data transformers made ({@code runtime/src/test/python/make_hf_references.py}, unpacked in
 * {@code src/test/resources/hf-references}): tiny random models saved with {@code save_pretrained}, their greedy ids
 * and logits, and rope inverse frequencies per rope type.
 */
public final class HfReferences {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Which config a model folder is opened with. */
    public enum ConfigGeneration {
        /** config.json as transformers 5 saved it (rope_parameters, dtype, layer_types). */
        TRANSFORMERS_5("config.json"),
        /** The same config in the legacy keys (rope_theta, rope_scaling, torch_dtype). */
        LEGACY("config-legacy.json");

        public final String file;

        ConfigGeneration(String file) {
            this.file = file;
        }
    }

    /** One model's reference: prompt ids, transformers' greedy ids, each step's logits and top-2 margin. */
    public record Reference(String model, int[] prompt, int[] greedy, double[] margin, float[][] logits) {
    }

    private HfReferences() {
    }

    /** The reference models make_hf_references.py writes. */
    public static final List<String> MODELS = List.of("llama2-tied", "llama31-untied", "mistral-window8",
            "qwen2-tied", "qwen3-untied", "llama-yarn-tied", "llama-longrope-untied", "gemma3-tied",
            "gemma3-untied", "gemma3-multimodal-untied", "phi3-longrope-partial-untied", "phi3-window-tied");

    /** Whether the reference data is in the test resources. */
    public static boolean available() {
        return HfReferences.class.getResource("/hf-references/rope.json") != null;
    }

    /**
     * Fails the calling test, saying how to make the data, when the reference data is missing (it is committed: a
     * missing folder is a broken checkout, not a reason to skip).
     */
    public static void requireAvailable() {
        org.junit.jupiter.api.Assertions.assertTrue(available(), "src/test/resources/hf-references is missing: "
                + "run runtime/src/test/python/make_hf_references.py where transformers is installed");
    }

    public static Path root() {
        URL url = HfReferences.class.getResource("/hf-references/rope.json");
        if (url == null) {
            throw new IllegalStateException("src/test/resources/hf-references is missing: run "
                    + "runtime/src/test/python/make_hf_references.py (see its docstring)");
        }
        try {
            return Path.of(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Names of the reference models: those present, or when the data is missing the ones the script makes. */
    public static List<String> models() {
        if (!available()) {
            return MODELS;
        }
        try (Stream<Path> dirs = Files.list(root().resolve("models"))) {
            return dirs.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh copy of a reference model folder whose config.json is the chosen generation's. */
    public static Path modelFolder(String model, ConfigGeneration generation) throws IOException {
        Path source = root().resolve("models").resolve(model);
        Path dir = TestModels.newFolder(model);
        Files.copy(source.resolve("model.safetensors"), dir.resolve("model.safetensors"));
        Files.copy(source.resolve(generation.file), dir.resolve("config.json"), StandardCopyOption.REPLACE_EXISTING);
        return dir;
    }

    public static Reference reference(String model) throws IOException {
        JsonNode root = JSON.readTree(root().resolve("models").resolve(model).resolve("reference.json").toFile());
        int[] prompt = ints(root.get("prompt"));
        int[] greedy = ints(root.get("greedy"));
        double[] margin = new double[root.get("margin").size()];
        for (int i = 0; i < margin.length; i++) {
            margin[i] = root.get("margin").get(i).asDouble();
        }
        float[][] logits = new float[root.get("logits").size()][];
        for (int step = 0; step < logits.length; step++) {
            JsonNode row = root.get("logits").get(step);
            logits[step] = new float[row.size()];
            for (int i = 0; i < row.size(); i++) {
                logits[step][i] = (float) row.get(i).asDouble();
            }
        }
        return new Reference(model, prompt, greedy, margin, logits);
    }

    /** The rope reference cases of rope.json. */
    public static JsonNode ropeCases() throws IOException {
        return JSON.readTree(root().resolve("rope.json").toFile());
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
