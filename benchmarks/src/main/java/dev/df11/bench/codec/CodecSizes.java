package dev.df11.bench.codec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.Zstd;
import dev.df11.format.codec.Df11Encoder;
import dev.df11.format.codec.Df11Unit;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Exact compressed sizes of the benchmark tensors in DF11 and in zstd -3 and -19, as JSON for the report
 * ({@code "benchmark": "codec-sizes"}). Sizes do not depend on the machine's load, so this runs anywhere.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar dev.df11.bench.codec.CodecSizes OUT.json [gaussian16M] [stories15M]</pre>
 */
public final class CodecSizes {

    private CodecSizes() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: CodecSizes OUT.json [data set ...] (data sets: gaussian16M, stories15M)");
            System.exit(2);
        }
        List<String> sets = args.length == 1 ? List.of("gaussian16M", "stories15M")
                : new ArrayList<>(List.of(args).subList(1, args.length));
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("benchmark", "codec-sizes");
        ArrayNode out = root.putArray("data_sets");
        for (String name : sets) {
            ObjectNode d = measure(name, BenchData.load(name));
            out.add(d);
            System.err.println(name + ": " + d.get("bytes"));
        }
        json.writeValue(Path.of(args[0]).toFile(), root);
        System.err.println("wrote " + args[0]);
    }

    /** The sizes of one tensor: BF16, DF11 (everything stored but the lookup tables' few KiB) and zstd. */
    static ObjectNode measure(String name, MemorySegment weights) {
        Df11Unit unit = new Df11Encoder(Runtime.getRuntime().availableProcessors()).encode(name, List.of(weights));
        long df11 = unit.encodedExponent().byteSize() + unit.signMantissa().byteSize()
                + unit.outputPositions().byteSize() + unit.gaps().byteSize() + unit.luts().byteSize();
        byte[] bytes = weights.toArray(ValueLayout.JAVA_BYTE);
        ObjectNode d = new ObjectMapper().createObjectNode();
        d.put("data", name);
        d.put("weights", weights.byteSize() / 2);
        d.put("bf16_bytes", weights.byteSize());
        ObjectNode sizes = d.putObject("bytes");
        sizes.put("DF11", df11);
        sizes.put("zstd -3", Zstd.compress(bytes, 3).length);
        sizes.put("zstd -19", Zstd.compress(bytes, 19).length);
        return d;
    }
}
