package dev.df11.runtime.chat;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * {@code tojson} as transformers defines it for chat templates: Python's
 * {@code json.dumps(x, ensure_ascii=False, indent=indent, separators=separators, sort_keys=sort_keys)}, so tool
 * schemas come out byte for byte as in Python (", " and ": " between items, non-ASCII kept, no HTML escaping).
 * Jinjava's own {@code tojson} writes compact Jackson output instead.
 */
final class PythonJsonFilter implements Filter {

    @Override
    public String getName() {
        return "tojson";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
        return filter(var, interpreter, args, Map.of());
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
        Object indentArg = kwargs.containsKey("indent") ? kwargs.get("indent") : args.length > 0 ? args[0] : null;
        Integer indent = null;
        if (indentArg instanceof Number n) {
            indent = n.intValue();
        } else if (indentArg != null) {
            throw new IllegalArgumentException("tojson: indent must be a number, got " + indentArg);
        }
        if (kwargs.containsKey("separators") && kwargs.get("separators") != null) {
            throw new IllegalArgumentException("tojson: the separators argument is not supported");
        }
        boolean sortKeys = Boolean.TRUE.equals(kwargs.get("sort_keys"));
        StringBuilder out = new StringBuilder();
        write(out, var, indent, sortKeys, 0);
        return out.toString();
    }

    static void write(StringBuilder out, Object value, Integer indent, boolean sortKeys, int depth) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Boolean b) {
            out.append(b ? "true" : "false");
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short
                || value instanceof Byte || value instanceof BigInteger) {
            out.append(value);
        } else if (value instanceof Number n) {
            out.append(pythonFloat(n instanceof BigDecimal b ? b.doubleValue() : n.doubleValue()));
        } else if (value instanceof CharSequence || value instanceof Character) {
            string(out, value.toString());
        } else if (value instanceof Map<?, ?> map) {
            List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
            if (sortKeys) {
                entries.sort((a, b) -> String.valueOf(a.getKey()).compareTo(String.valueOf(b.getKey())));
            }
            container(out, '{', '}', entries, indent, depth, (entry) -> {
                string(out, String.valueOf(entry.getKey()));
                out.append(": ");
                write(out, entry.getValue(), indent, sortKeys, depth + 1);
            });
        } else if (value instanceof Collection<?> list) {
            container(out, '[', ']', new ArrayList<>(list), indent, depth,
                    item -> write(out, item, indent, sortKeys, depth + 1));
        } else if (value instanceof Object[] array) {
            write(out, List.of(array), indent, sortKeys, depth);
        } else {
            throw new IllegalArgumentException("tojson: cannot write a " + value.getClass().getSimpleName() + " as JSON");
        }
    }

    private static <T> void container(StringBuilder out, char open, char close, List<T> items, Integer indent,
                                      int depth, java.util.function.Consumer<T> writeItem) {
        out.append(open);
        if (items.isEmpty()) {
            out.append(close);
            return;
        }
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                out.append(indent == null ? ", " : ",");
            }
            if (indent != null) {
                out.append('\n').append(" ".repeat(indent * (depth + 1)));
            }
            writeItem.accept(items.get(i));
        }
        if (indent != null) {
            out.append('\n').append(" ".repeat(indent * depth));
        }
        out.append(close);
    }

    /** Python's float repr: shortest round-trip digits, as Java's but with Python's exponent form. */
    static String pythonFloat(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e16) {
            return (long) d + ".0";
        }
        String s = Double.toString(d);
        int e = s.indexOf('E');
        if (e < 0) {
            return s;                            // Java writes plain digits only where Python does too
        }
        String mantissa = s.substring(0, e);
        if (mantissa.endsWith(".0")) {
            mantissa = mantissa.substring(0, mantissa.length() - 2);
        }
        int exp = Integer.parseInt(s.substring(e + 1));
        if (exp >= -4 && exp < 16) {
            return new BigDecimal(s).toPlainString();
        }
        return mantissa + "e" + (exp < 0 ? "-" : "+") + String.format("%02d", Math.abs(exp));
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
