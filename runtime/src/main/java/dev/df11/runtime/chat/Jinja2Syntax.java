package dev.df11.runtime.chat;

/**
 * Rewrites the two pieces of Jinja2 expression syntax that real chat templates use and Jinjava's parser reads
 * differently into equivalent syntax Jinjava reads as Jinja2 does, touching nothing else:
 * <ul>
 *   <li>{@code x[::-1]} (a reversing slice, Qwen3's {@code messages[::-1]}; Jinjava cannot parse a step) becomes
 *       {@code (x|reverse)}, where {@code x} is the name, attribute and subscript chain before it;</li>
 *   <li>a keyword argument's value is parenthesized, {@code namespace(n=messages|length - 1)} becoming
 *       {@code namespace(n=(messages|length - 1))}: Jinjava binds {@code n=messages|length} before the {@code -}.</li>
 * </ul>
 * Only the insides of {@code {{ }}} and {@code {% %}} are rewritten, never string literals, comments, raw blocks or
 * the text between tags. A {@code [::-1]} after something other than a chain is left alone, so Jinjava's parse
 * error names it.
 */
final class Jinja2Syntax {

    private Jinja2Syntax() {
    }

    static String rewrite(String template) {
        StringBuilder out = new StringBuilder(template.length() + 16);
        int i = 0;
        while (i < template.length()) {
            int open = nextTag(template, i);
            if (open < 0) {
                out.append(template, i, template.length());
                break;
            }
            out.append(template, i, open);
            char kind = template.charAt(open + 1);
            if (kind == '#') {
                int end = template.indexOf("#}", open + 2);
                end = end < 0 ? template.length() : end + 2;
                out.append(template, open, end);
                i = end;
                continue;
            }
            String close = kind == '{' ? "}}" : "%}";
            int end = tagEnd(template, open + 2, close);
            if (end < 0) {                      // unterminated: let Jinjava report it
                out.append(template, open, template.length());
                break;
            }
            String inside = template.substring(open + 2, end);
            if (kind == '%' && isRawStart(inside)) {
                int endRaw = findEndRaw(template, end + 2);
                out.append(template, open, endRaw);
                i = endRaw;
                continue;
            }
            // A macro's or call block's signature is read by the tag itself, not as an expression: left alone.
            String rewritten = kind == '%' && isSignatureTag(inside) ? inside : rewriteExpression(inside);
            out.append(template, open, open + 2).append(rewritten).append(close);
            i = end + 2;
        }
        return out.toString();
    }

    private static int nextTag(String s, int from) {
        for (int i = s.indexOf('{', from); i >= 0 && i + 1 < s.length(); i = s.indexOf('{', i + 1)) {
            char c = s.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') {
                return i;
            }
        }
        return -1;
    }

    /** Index of the closing delimiter, skipping string literals. */
    private static int tagEnd(String s, int from, String close) {
        int i = from;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\'' || c == '"') {
                i = stringEnd(s, i);
                continue;
            }
            if (s.startsWith(close, i)) {
                return i;
            }
            i++;
        }
        return -1;
    }

    /** Index just past the string literal starting at {@code start}. */
    private static int stringEnd(String s, int start) {
        char quote = s.charAt(start);
        int i = start + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (c == quote) {
                return i + 1;
            }
            i++;
        }
        return s.length();
    }

    private static boolean isSignatureTag(String inside) {
        String tag = inside.strip().replaceFirst("^[-+]", "").strip();
        return tag.startsWith("macro ") || tag.startsWith("call ") || tag.startsWith("call(");
    }

    private static boolean isRawStart(String inside) {
        return inside.strip().replaceFirst("^[-+]", "").replaceFirst("[-+]$", "").strip().equals("raw");
    }

    private static int findEndRaw(String s, int from) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{%[-+]?\\s*endraw\\s*[-+]?%}").matcher(s);
        return m.find(from) ? m.end() : s.length();
    }

    static String rewriteExpression(String e) {
        return parenthesizeKeywordValues(reverseSlices(e));
    }

    /** {@code chain[::-1]} to {@code (chain|reverse)}. */
    private static String reverseSlices(String e) {
        StringBuilder out = new StringBuilder(e);
        int i = 0;
        while (i < out.length()) {
            char c = out.charAt(i);
            if (c == '\'' || c == '"') {
                i = stringEnd(out.toString(), i);
                continue;
            }
            if (c == '[' && matchesReverseSlice(out, i)) {
                int sliceEnd = out.indexOf("]", i) + 1;
                int start = chainStart(out, i);
                if (start < i) {
                    String chain = out.substring(start, i);
                    String replacement = "(" + chain + "|reverse)";
                    out.replace(start, sliceEnd, replacement);
                    i = start + replacement.length();
                    continue;
                }
            }
            i++;
        }
        return out.toString();
    }

    private static boolean matchesReverseSlice(CharSequence s, int open) {
        int close = s.toString().indexOf(']', open);
        return close > 0 && s.subSequence(open + 1, close).toString().replace(" ", "").equals("::-1");
    }

    /** Start of the name/attribute/subscript chain that ends just before {@code end}. */
    private static int chainStart(CharSequence s, int end) {
        int i = end;
        while (i > 0) {
            char c = s.charAt(i - 1);
            if (Character.isLetterOrDigit(c) || c == '_' || c == '.') {
                i--;
            } else if (c == ']' || c == ')') {
                int depth = 0;
                int j = i - 1;
                for (; j >= 0; j--) {
                    char d = s.charAt(j);
                    if (d == ']' || d == ')') {
                        depth++;
                    } else if (d == '[' || d == '(') {
                        depth--;
                        if (depth == 0) {
                            break;
                        }
                    } else if (d == '\'' || d == '"') {
                        return end;             // a string inside the chain: leave it to Jinjava
                    }
                }
                if (j < 0) {
                    return end;
                }
                i = j;
            } else {
                break;
            }
        }
        // A chain starts with a name (not a digit or a dot).
        return i < end && (Character.isLetter(s.charAt(i)) || s.charAt(i) == '_') ? i : end;
    }

    /** {@code f(a=x - 1, b=y)} to {@code f(a=(x - 1), b=(y))}, in calls only, skipping strings. */
    private static String parenthesizeKeywordValues(String e) {
        StringBuilder out = new StringBuilder(e.length() + 8);
        // For each open bracket: whether it is a call's parenthesis, and whether a keyword value is open in it.
        java.util.ArrayDeque<boolean[]> stack = new java.util.ArrayDeque<>();
        int i = 0;
        while (i < e.length()) {
            char c = e.charAt(i);
            if (c == '\'' || c == '"') {
                int end = stringEnd(e, i);
                out.append(e, i, end);
                i = end;
                continue;
            }
            boolean[] top = stack.peek();
            if (c == '(' || c == '[' || c == '{') {
                boolean call = c == '(' && precededByName(out);
                stack.push(new boolean[] {call, false});
            } else if (c == ')' || c == ']' || c == '}') {
                if (top != null) {
                    if (top[1]) {
                        out.append(')');
                    }
                    stack.pop();
                }
            } else if (c == ',' && top != null && top[0] && top[1]) {
                out.append(')');
                top[1] = false;
            } else if (c == '=' && top != null && top[0] && !top[1] && isKeywordEquals(e, i, out)) {
                out.append("=(");
                top[1] = true;
                i++;
                continue;
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    private static boolean precededByName(CharSequence out) {
        int j = out.length() - 1;
        while (j >= 0 && out.charAt(j) == ' ') {
            j--;
        }
        return j >= 0 && (Character.isLetterOrDigit(out.charAt(j)) || out.charAt(j) == '_');
    }

    /** A single {@code =} (not {@code ==}, {@code !=}, {@code <=}, {@code >=}) right after an argument's name. */
    private static boolean isKeywordEquals(String e, int i, CharSequence out) {
        if (i + 1 < e.length() && e.charAt(i + 1) == '=') {
            return false;
        }
        int j = out.length() - 1;
        while (j >= 0 && out.charAt(j) == ' ') {
            j--;
        }
        int nameEnd = j;
        while (j >= 0 && (Character.isLetterOrDigit(out.charAt(j)) || out.charAt(j) == '_')) {
            j--;
        }
        if (j == nameEnd) {
            return false;                        // '=' after '!', '<', '>', '=' or a non-name
        }
        while (j >= 0 && out.charAt(j) == ' ') {
            j--;
        }
        return j >= 0 && (out.charAt(j) == '(' || out.charAt(j) == ',');
    }
}
