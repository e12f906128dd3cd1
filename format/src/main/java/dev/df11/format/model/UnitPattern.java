package dev.df11.format.model;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One {@code pattern_dict} key: a regular expression that must match a whole unit (module) name, as Python's
 * {@code re.fullmatch} does in the official DFloat11 code.
 *
 * <p>Patterns come from files and the command line, so they are matched with RE2/J, whose time is linear in the
 * name's length: a pattern such as 24 times {@code .*} then {@code X}, which backtracking engines (java.util.regex,
 * Python's re) take hours on, costs microseconds. RE2/J's compiler, though, expands counted repetitions, so
 * {@code ((a{1000}){1000}){1000}} would need 10^9 instructions; patterns larger than {@link #MAX_SIZE} expanded
 * atoms are refused before compiling.
 *
 * <p>Python syntax that RE2 spells differently is translated so the official patterns mean what they mean in Python:
 * {@code \d} and {@code \D} are Unicode decimal digits ({@code \p{Nd}}) as in Python 3, {@code \Z} is the end of the
 * text ({@code \z}), and {@code {,n}} and {@code {,}} are {@code {0,n}} and {@code {0,}}. What RE2 lacks
 * (lookarounds, backreferences, possessive and atomic groups, {@code (?x)} and the other Python-only flags) is
 * refused with a message naming the pattern.
 * {@code \w}, {@code \s} and {@code \b} stay ASCII (Python's are Unicode); module names are ASCII in practice.
 */
public final class UnitPattern {

    /** Most atoms a pattern may expand to (counted repetitions multiplied out); official ones have under 40. */
    public static final int MAX_SIZE = 4096;

    /** Body of a counted repetition; a JDK regex is safe here: our constant, on at most MAX_SIZE characters. */
    private static final java.util.regex.Pattern REPEAT = java.util.regex.Pattern.compile("[0-9]{0,9}(,[0-9]{0,9})?");

    private final String regex;
    private final Pattern compiled;

    private UnitPattern(String regex, Pattern compiled) {
        this.regex = regex;
        this.compiled = compiled;
    }

    /**
     * Compiles a pattern.
     *
     * @param source the file or option it came from, named in the message
     * @throws Df11ModelException naming {@code source} and the pattern when it is too large or not RE2 syntax
     */
    public static UnitPattern compile(String regex, Path source) throws Df11ModelException {
        try {
            return compile(regex);
        } catch (IllegalArgumentException e) {
            throw new Df11ModelException(source, e.getMessage());
        }
    }

    /**
     * Compiles a pattern of a trusted source (one already checked by {@link #compile(String, Path)}).
     *
     * @throws IllegalArgumentException naming the pattern when it is too large or not RE2 syntax
     */
    public static UnitPattern compile(String regex) {
        String translated = translate(regex);
        try {
            return new UnitPattern(regex, Pattern.compile(translated));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("bad unit pattern '" + shown(regex) + "': " + e.getDescription()
                    + (e.getPattern() != null && !e.getPattern().isEmpty() ? " `" + e.getPattern() + "`" : "")
                    + " (unit patterns are Python regular expressions without lookarounds, backreferences,"
                    + " possessive or atomic groups: RE2 syntax); fix or rewrite it");
        }
    }

    /** Whether the pattern matches all of {@code name} (Python's {@code re.fullmatch}). */
    public boolean matches(String name) {
        return compiled.matches(name);
    }

    /** The pattern as written. */
    public String regex() {
        return regex;
    }

    @Override
    public String toString() {
        return regex;
    }

    /** A group being scanned: the atoms it holds so far, and the size of its last atom (for a quantifier). */
    private static final class Frame {
        long size;
        long last;

        void add(long atom) {
            size = Math.min(size + atom, MAX_SIZE + 1L);
            last = atom;
        }

        void repeat(long times) {
            long grown = Math.min(last * Math.max(times, 1), MAX_SIZE + 1L);
            size = Math.min(size - last + grown, MAX_SIZE + 1L);
            last = grown;
        }
    }

    /**
     * The pattern in RE2/J syntax, after checking its expanded size. Malformed syntax is copied as is for RE2/J to
     * report; the scan only has to be an upper bound of the size RE2/J would build.
     */
    static String translate(String regex) {
        if (regex.length() > MAX_SIZE) {
            throw tooLarge(regex);
        }
        StringBuilder out = new StringBuilder(regex.length() + 8);
        Deque<Frame> groups = new ArrayDeque<>();
        Frame current = new Frame();
        int i = 0;
        int n = regex.length();
        while (i < n) {
            char c = regex.charAt(i);
            switch (c) {
                case '\\' -> {
                    char next = i + 1 < n ? regex.charAt(i + 1) : 0;
                    out.append(escape(next, regex, i));
                    i += next == 0 ? 1 : 2;
                    current.add(1);
                }
                case '[' -> {
                    int end = classEnd(regex, i);
                    out.append(translateClass(regex.substring(i, end)));
                    i = end;
                    current.add(1);
                }
                case '(' -> {
                    groups.push(current);
                    current = new Frame();
                    out.append(c);
                    i++;
                }
                case ')' -> {
                    long size = current.size + 1;
                    current = groups.isEmpty() ? new Frame() : groups.pop();
                    current.add(size);
                    out.append(c);
                    i++;
                }
                case '{' -> {
                    int end = regex.indexOf('}', i);
                    String body = end < 0 ? "" : regex.substring(i + 1, end);
                    long[] bounds = repeatBounds(body);
                    if (bounds == null) {
                        out.append(c);      // a literal brace, as in Python
                        current.add(1);
                        i++;
                    } else {
                        out.append(body.startsWith(",") ? "{0" : "{").append(body).append('}');
                        current.repeat(bounds[1]);
                        i = end + 1;
                    }
                }
                default -> {
                    out.append(c);
                    if (c != '*' && c != '+' && c != '?' && c != '|') {
                        current.add(1);
                    }
                    i++;
                }
            }
            if (current.size > MAX_SIZE || groups.stream().anyMatch(f -> f.size > MAX_SIZE)) {
                throw tooLarge(regex);
            }
        }
        long total = current.size;
        for (Frame f : groups) {
            total += f.size;
        }
        if (total > MAX_SIZE) {
            throw tooLarge(regex);
        }
        return out.toString();
    }

    private static IllegalArgumentException tooLarge(String regex) {
        return new IllegalArgumentException("bad unit pattern '" + shown(regex) + "': too large, it expands to more"
                + " than " + MAX_SIZE + " atoms (counted repetitions multiplied out); a unit pattern names module"
                + " names such as model\\.layers\\.\\d+: write a smaller one");
    }

    /** The pattern for a message: a long one shortened. */
    private static String shown(String regex) {
        return regex.length() > 80 ? regex.substring(0, 80) + "..." : regex;
    }

    /** An escape outside a class, in RE2/J syntax. */
    private static String escape(char next, String regex, int at) {
        return switch (next) {
            case 0 -> "\\";
            case 'd' -> "\\p{Nd}";
            case 'D' -> "\\P{Nd}";
            case 'Z' -> "\\z";
            default -> regex.substring(at, at + 2);
        };
    }

    /** Index one past the {@code ]} closing the class opened at {@code start}, or the end of the text. */
    private static int classEnd(String regex, int start) {
        int i = start + 1;
        if (i < regex.length() && regex.charAt(i) == '^') {
            i++;
        }
        if (i < regex.length() && regex.charAt(i) == ']') {
            i++;                   // a ']' first in a class is a literal, as in Python
        }
        while (i < regex.length()) {
            char c = regex.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == ']') {
                return i + 1;
            } else {
                i++;
            }
        }
        return regex.length();
    }

    /** A character class with Python's {@code \d} and {@code \D} as Unicode digits. */
    private static String translateClass(String cls) {
        StringBuilder out = new StringBuilder(cls.length());
        for (int i = 0; i < cls.length(); i++) {
            char c = cls.charAt(i);
            if (c == '\\' && i + 1 < cls.length()) {
                char next = cls.charAt(++i);
                out.append(next == 'd' ? "\\p{Nd}" : next == 'D' ? "\\P{Nd}" : "\\" + next);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * {min, max-or-min+1} of a counted repetition body ({@code m}, {@code m,}, {@code m,n}, {@code ,n} or {@code ,}),
     * or null when it is not one (then the brace is a literal, as in Python).
     */
    private static long[] repeatBounds(String body) {
        if (body.isEmpty() || !REPEAT.matcher(body).matches()) {
            return null;
        }
        int comma = body.indexOf(',');
        if (comma < 0) {
            long m = Long.parseLong(body);
            return new long[] {m, m};
        }
        long min = comma == 0 ? 0 : Long.parseLong(body.substring(0, comma));
        String maxText = body.substring(comma + 1);
        long max = maxText.isEmpty() ? min + 1 : Long.parseLong(maxText);
        return new long[] {min, Math.max(min, max)};
    }
}
