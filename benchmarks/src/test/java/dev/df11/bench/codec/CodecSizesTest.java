package dev.df11.bench.codec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.df11.bench.report.Figure;
import dev.df11.bench.report.ResultReader;
import dev.df11.bench.report.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CodecSizesTest {

    @Test
    void sizesOfAGaussianTensorReadBackAsPercentagesOfBf16(@TempDir Path dir) throws Exception {
        MemorySegment weights = BenchData.gaussian(7, 1 << 16, 0.02);
        ObjectNode sizes = CodecSizes.measure("gaussian64K", weights);
        assertEquals(1 << 17, sizes.get("bf16_bytes").asLong());
        long df11 = sizes.get("bytes").get("DF11").asLong();
        // N(0, 0.02) exponents carry about 2.6 bits: DF11 lands near 67.5% of BF16, whatever the seed
        assertTrue(df11 > 0.66 * (1 << 17) && df11 < 0.70 * (1 << 17), "DF11 bytes " + df11);

        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode().put("benchmark", "codec-sizes");
        root.putArray("data_sets").add(sizes);
        Path file = dir.resolve("codec-sizes.json");
        json.writeValue(file.toFile(), root);

        ResultSet results = ResultReader.read(List.of(file));
        List<Figure> figures = results.figures(Figure.Suite.CODEC_SIZE);
        assertEquals(List.of("DF11", "zstd -3", "zstd -19"), figures.stream().map(Figure::series).toList());
        assertEquals(100.0 * df11 / (1 << 17), figures.getFirst().median(), 1e-9);
    }
}
