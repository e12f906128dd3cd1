package dev.df11.runtime.chat;

import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Python's {@code str} methods that chat templates call ({@code content.strip('\n')},
 * {@code content.startswith('<tool_response>')}, {@code content.split('</think>')}, ...), which Jinja2 has because
 * its strings are Python strings and Jinjava lacks (a Java string has {@code strip()} with other whitespace rules
 * and no {@code lstrip}, {@code startswith} or Python's {@code split}). Jinjava asks this resolver first for every
 * method call; calls it does not know are left to Jinjava's own resolver.
 */
final class PythonStringMethods extends ELResolver {

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (!(base instanceof String s) || method == null) {
            return null;
        }
        Object[] args = params == null ? new Object[0] : params;
        Object result = switch (method.toString()) {
            case "strip" -> args.length <= 1 ? rstrip(lstrip(s, chars(args)), chars(args)) : null;
            case "lstrip" -> args.length <= 1 ? lstrip(s, chars(args)) : null;
            case "rstrip" -> args.length <= 1 ? rstrip(s, chars(args)) : null;
            case "startswith" -> args.length == 1 && args[0] instanceof String p ? s.startsWith(p) : null;
            case "endswith" -> args.length == 1 && args[0] instanceof String p ? s.endsWith(p) : null;
            case "split" -> args.length == 0 || args[0] == null ? splitWhitespace(s)
                    : args.length == 1 && args[0] instanceof String sep && !sep.isEmpty() ? split(s, sep) : null;
            case "upper" -> args.length == 0 ? s.toUpperCase(Locale.ROOT) : null;
            case "lower" -> args.length == 0 ? s.toLowerCase(Locale.ROOT) : null;
            case "title" -> args.length == 0 ? title(s) : null;
            case "capitalize" -> args.length == 0 && !s.isEmpty()
                    ? s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT)
                    : args.length == 0 ? s : null;
            case "join" -> args.length == 1 && args[0] instanceof Collection<?> items ? join(s, items) : null;
            case "replace" -> args.length == 2 && args[0] instanceof String a && args[1] instanceof String b
                    ? s.replace(a, b) : null;
            default -> null;
        };
        if (result != null) {
            context.setPropertyResolved(true);
        }
        return result;
    }

    /** Python's {@code str.title}: a letter after a non-letter is upper case, every other letter lower case. */
    private static String title(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean previousCased = false;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            out.appendCodePoint(previousCased ? Character.toLowerCase(c) : Character.toTitleCase(c));
            previousCased = Character.isLetter(c);
            i += Character.charCount(c);
        }
        return out.toString();
    }

    /** Python's {@code sep.join(items)}: every item must be a string (Python raises a TypeError otherwise). */
    private static String join(String separator, Collection<?> items) {
        StringBuilder out = new StringBuilder();
        boolean first = true;
        for (Object item : items) {
            if (!(item instanceof CharSequence text)) {
                throw new IllegalArgumentException("str.join: sequence item is not a string: " + item);
            }
            if (!first) {
                out.append(separator);
            }
            out.append(text);
            first = false;
        }
        return out.toString();
    }

    /** Characters to strip: Python's default (whitespace) when none are given. */
    private static String chars(Object[] args) {
        return args.length == 0 || args[0] == null ? null : args[0].toString();
    }

    private static boolean strippable(int c, String chars) {
        return chars == null ? isPythonSpace(c) : chars.indexOf(c) >= 0;
    }

    /** Python's {@code str.isspace} for the characters a template meets. */
    static boolean isPythonSpace(int c) {
        return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F) || c == 0x85 || c == 0xA0
                || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F
                || c == 0x205F || c == 0x3000;
    }

    static String lstrip(String s, String chars) {
        int i = 0;
        while (i < s.length()) {
            int c = s.codePointAt(i);
            if (!strippable(c, chars)) {
                break;
            }
            i += Character.charCount(c);
        }
        return s.substring(i);
    }

    static String rstrip(String s, String chars) {
        int end = s.length();
        while (end > 0) {
            int c = s.codePointBefore(end);
            if (!strippable(c, chars)) {
                break;
            }
            end -= Character.charCount(c);
        }
        return s.substring(0, end);
    }

    private static List<String> split(String s, String sep) {
        List<String> parts = new ArrayList<>();
        int from = 0;
        for (int at = s.indexOf(sep); at >= 0; at = s.indexOf(sep, from)) {
            parts.add(s.substring(from, at));
            from = at + sep.length();
        }
        parts.add(s.substring(from));
        return parts;
    }

    private static List<String> splitWhitespace(String s) {
        List<String> parts = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            while (i < s.length() && isPythonSpace(s.codePointAt(i))) {
                i += Character.charCount(s.codePointAt(i));
            }
            int start = i;
            while (i < s.length() && !isPythonSpace(s.codePointAt(i))) {
                i += Character.charCount(s.codePointAt(i));
            }
            if (i > start) {
                parts.add(s.substring(start, i));
            }
        }
        return parts;
    }

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return true;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }
}
