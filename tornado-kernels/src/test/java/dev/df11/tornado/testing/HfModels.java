package dev.df11.tornado.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.df11.runtime.testmodels.TestModels;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The runtime's transformers reference models ({@code runtime/src/test/resources/hf-references}, made by
 * {@code runtime/src/test/python/make_hf_references.py}) for the device tests. They come on the class path inside
 * the runtime's test jar, so they are read as resources and copied to a folder, not opened as files in place.
 */
public final class HfModels {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Prompt ids, transformers' greedy ids and each step's top-2 logit margin. */
    public record Reference(int[] prompt, int[] greedy, double[] margin) {
    }

    private HfModels() {
    }

    /** A fresh folder holding the model's weights and its transformers-5 {@code config.json}. */
    public static Path folder(String model) throws IOException {
        Path dir = TestModels.newFolder(model);
        for (String file : new String[] {"model.safetensors", "config.json"}) {
            try (InputStream in = open(model, file)) {
                Files.copy(in, dir.resolve(file));
            }
        }
        return dir;
    }

    public static Reference reference(String model) throws IOException {
        JsonNode root;
        try (InputStream in = open(model, "reference.json")) {
            root = JSON.readTree(in);
        }
        double[] margin = new double[root.get("margin").size()];
        for (int i = 0; i < margin.length; i++) {
            margin[i] = root.get("margin").get(i).asDouble();
        }
        return new Reference(ints(root.get("prompt")), ints(root.get("greedy")), margin);
    }

    private static InputStream open(String model, String file) throws IOException {
        String name = "/hf-references/models/" + model + "/" + file;
        InputStream in = HfModels.class.getResourceAsStream(name);
        if (in == null) {
            throw new IOException(name + " is not on the class path (the runtime's test resources): run "
                    + "runtime/src/test/python/make_hf_references.py where transformers is installed");
        }
        return in;
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
