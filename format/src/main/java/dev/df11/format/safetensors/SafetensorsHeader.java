package dev.df11.format.safetensors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses and checks a safetensors JSON header: every tensor's dtype, shape and offsets must agree with each other and
 * with the data section, and no two tensors may share bytes.
 */
final class SafetensorsHeader {

    /** The reference implementation refuses larger headers too; a bigger one is a corrupt length field. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    static final String METADATA_KEY = "__metadata__";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    record Parsed(Map<String, String> metadata, List<TensorInfo> tensors) { }

    private SafetensorsHeader() { }

    /**
     * @param json       the header bytes (UTF-8 JSON, possibly padded with spaces)
     * @param dataStart  absolute offset of the data section (8 + header length)
     * @param dataLength bytes in the data section
     * @return metadata and tensors, tensors sorted by offset
     */
    static Parsed parse(Path file, byte[] json, long dataStart, long dataLength) throws SafetensorsFormatException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new SafetensorsFormatException(file, null, "malformed JSON header: " + e.getOriginalMessage(), e);
        } catch (java.io.IOException e) {
            throw new SafetensorsFormatException(file, null, "unreadable JSON header: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new SafetensorsFormatException(file, null, "header is not a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        List<TensorInfo> tensors = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (field.getKey().equals(METADATA_KEY)) {
                readMetadata(file, field.getValue(), metadata);
            } else {
                tensors.add(readTensor(file, field.getKey(), field.getValue(), dataStart, dataLength));
            }
        }
        tensors.sort(Comparator.comparingLong(TensorInfo::dataOffset).thenComparingLong(TensorInfo::byteSize));
        checkNoOverlap(file, tensors);
        return new Parsed(metadata, tensors);
    }

    private static void readMetadata(Path file, JsonNode node, Map<String, String> out)
            throws SafetensorsFormatException {
        if (node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            throw new SafetensorsFormatException(file, null, METADATA_KEY + " is not a JSON object");
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw new SafetensorsFormatException(file, null,
                        METADATA_KEY + " value of '" + e.getKey() + "' is not a string");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
    }

    private static TensorInfo readTensor(Path file, String name, JsonNode node, long dataStart, long dataLength)
            throws SafetensorsFormatException {
        if (!node.isObject()) {
            throw new SafetensorsFormatException(file, name, "entry is not a JSON object");
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new SafetensorsFormatException(file, name, "missing or non-string dtype");
        }
        DType dtype = DType.fromName(dtypeNode.textValue()).orElseThrow(() ->
                new SafetensorsFormatException(file, name, "unknown dtype '" + dtypeNode.textValue() + "'"));
        long[] shape = readLongs(file, name, node.get("shape"), "shape", -1);
        long[] offsets = readLongs(file, name, node.get("data_offsets"), "data_offsets", 2);
        long elements = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new SafetensorsFormatException(file, name, "negative dimension " + d);
            }
            try {
                elements = Math.multiplyExact(elements, d);
            } catch (ArithmeticException e) {
                throw new SafetensorsFormatException(file, name, "element count overflows");
            }
        }
        long byteSize;
        try {
            byteSize = Math.multiplyExact(elements, (long) dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new SafetensorsFormatException(file, name, "byte size overflows");
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (begin < 0 || end < begin) {
            throw new SafetensorsFormatException(file, name, "invalid data_offsets [" + begin + ", " + end + "]");
        }
        if (end > dataLength) {
            throw new SafetensorsFormatException(file, name, "data_offsets [" + begin + ", " + end
                    + "] run past the data section of " + dataLength + " bytes");
        }
        if (end - begin != byteSize) {
            throw new SafetensorsFormatException(file, name, "shape and dtype need " + byteSize
                    + " bytes but data_offsets [" + begin + ", " + end + "] span " + (end - begin));
        }
        return new TensorInfo(name, dtype, shape, dataStart + begin, byteSize);
    }

    private static long[] readLongs(Path file, String name, JsonNode node, String what, int expectedLength)
            throws SafetensorsFormatException {
        if (node == null || !node.isArray()) {
            throw new SafetensorsFormatException(file, name, "missing or non-array " + what);
        }
        if (expectedLength >= 0 && node.size() != expectedLength) {
            throw new SafetensorsFormatException(file, name, what + " must have " + expectedLength + " entries");
        }
        long[] values = new long[node.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw new SafetensorsFormatException(file, name, what + " entry '" + v + "' is not a 64-bit integer");
            }
            values[i] = v.longValue();
        }
        return values;
    }

    /** Tensors sorted by offset; empty tensors occupy no bytes and may sit anywhere. */
    private static void checkNoOverlap(Path file, List<TensorInfo> sorted) throws SafetensorsFormatException {
        TensorInfo previous = null;
        for (TensorInfo t : sorted) {
            if (t.byteSize() == 0) {
                continue;
            }
            if (previous != null && t.dataOffset() < previous.dataOffset() + previous.byteSize()) {
                throw new SafetensorsFormatException(file, t.name(), "overlaps tensor '" + previous.name() + "'");
            }
            previous = t;
        }
    }
}
