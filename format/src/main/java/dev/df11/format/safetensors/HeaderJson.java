package dev.df11.format.safetensors;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Writes a safetensors header as compact JSON, spelled exactly as the reference (Rust serde_json) writer spells it:
 * no spaces, {@code __metadata__} first, strings escaped with short escapes or lowercase {@code \\u00xx} for control
 * characters and non-ASCII characters left as UTF-8; then padded with spaces to a multiple of 8 bytes.
 */
final class HeaderJson {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** A tensor's header entry; offsets are relative to the data section. */
    record Entry(String name, DType dtype, long[] shape, long begin, long end) { }

    private HeaderJson() { }

    static byte[] encode(Map<String, String> metadata, List<Entry> entries) {
        StringBuilder sb = new StringBuilder(64 + 96 * entries.size());
        sb.append('{');
        boolean first = true;
        if (!metadata.isEmpty()) {
            sb.append("\"__metadata__\":{");
            boolean firstKey = true;
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (!firstKey) {
                    sb.append(',');
                }
                firstKey = false;
                string(sb, e.getKey()).append(':');
                string(sb, e.getValue());
            }
            sb.append('}');
            first = false;
        }
        for (Entry e : entries) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            string(sb, e.name()).append(":{\"dtype\":\"").append(e.dtype().name()).append("\",\"shape\":[");
            for (int i = 0; i < e.shape().length; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append(e.shape()[i]);
            }
            sb.append("],\"data_offsets\":[").append(e.begin()).append(',').append(e.end()).append("]}");
        }
        sb.append('}');
        byte[] json = sb.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) & ~7;
        byte[] out = java.util.Arrays.copyOf(json, padded);
        java.util.Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    private static StringBuilder string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 15]);
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"');
    }
}
