package dev.df11.runtime.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.InterpreterFactory;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;

import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * Jinjava's interpreter with Python's {@code str()} for printed values, as Jinja2 prints them: {@code True} and
 * {@code False} (Jinjava: {@code true}, {@code false}), lists and dicts as Python writes them ({@code ['a', 1]},
 * {@code {'k': None}}), floats in Python's form. Strings and whole numbers print the same in both. A null prints
 * as nothing: Jinjava cannot tell an undefined variable (nothing in Jinja2 too) from None.
 */
final class PythonOutputInterpreter extends JinjavaInterpreter {

    static final InterpreterFactory FACTORY = new InterpreterFactory() {
        @Override
        public JinjavaInterpreter newInstance(JinjavaInterpreter orig) {
            return new PythonOutputInterpreter(orig);
        }

        @Override
        public JinjavaInterpreter newInstance(Jinjava application, Context context, JinjavaConfig renderConfig) {
            return new PythonOutputInterpreter(application, context, renderConfig);
        }
    };

    private PythonOutputInterpreter(JinjavaInterpreter orig) {
        super(orig);
    }

    private PythonOutputInterpreter(Jinjava application, Context context, JinjavaConfig config) {
        super(application, context, config);
    }

    @Override
    public String getAsString(Object value) {
        if (value instanceof Boolean || value instanceof Double || value instanceof Float
                || value instanceof Map<?, ?> || value instanceof Collection<?> || value instanceof Map.Entry<?, ?>) {
            return str(value);
        }
        return super.getAsString(value);
    }

    /** Python's {@code str(value)}. */
    static String str(Object value) {
        return value instanceof CharSequence s ? s.toString() : repr(value);
    }

    /** Python's {@code repr(value)} for the values a template holds. */
    static String repr(Object value) {
        if (value == null) {
            return "None";
        }
        if (value instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            return Double.isNaN(d) ? "nan" : Double.isInfinite(d) ? (d > 0 ? "inf" : "-inf")
                    : PythonJsonFilter.pythonFloat(d);
        }
        if (value instanceof CharSequence s) {
            return stringRepr(s.toString());
        }
        if (value instanceof Map<?, ?> map) {
            StringBuilder out = new StringBuilder("{");
            Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<?, ?> e = it.next();
                out.append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
                if (it.hasNext()) {
                    out.append(", ");
                }
            }
            return out.append('}').toString();
        }
        if (value instanceof Map.Entry<?, ?> pair) {         // dictsort and items() give pairs: Python tuples
            return "(" + repr(pair.getKey()) + ", " + repr(pair.getValue()) + ")";
        }
        if (value instanceof Collection<?> list) {
            StringBuilder out = new StringBuilder("[");
            Iterator<?> it = list.iterator();
            while (it.hasNext()) {
                out.append(repr(it.next()));
                if (it.hasNext()) {
                    out.append(", ");
                }
            }
            return out.append(']').toString();
        }
        return String.valueOf(value);
    }

    /** Python's string repr: single quotes unless the text has a single quote and no double quote. */
    private static String stringRepr(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder out = new StringBuilder().append(quote);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == quote || c == '\\') {
                out.append('\\').append(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (c < 0x20 || c == 0x7F) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append(quote).toString();
    }
}
