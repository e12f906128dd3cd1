package dev.df11.format.model;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Regex cost: random unit patterns built from nested quantifiers ({@code ((a*)+)*}, {@code (.*|m?)+}, counted
 * repetitions of groups), the shapes that make backtracking engines take exponential or high-polynomial time, are
 * matched against long module names. Each must be answered or refused with a message naming it; a backtracking
 * engine would hang this test (there is no time assertion: a hang is the failure). On short names the answers must
 * agree with java.util.regex, which is safe there and has the same meaning for ASCII names.
 */
class UnitPatternFuzzTest {

    private static final String[] ATOMS = {"a", "m", ".", "\\d", "[a-z]", "\\.", "1"};
    private static final String[] LONG_NAMES = {
        "model.layers.123.self_attn.q_proj.".repeat(10),
        "a".repeat(400),
        "aaaaaaaaaa.m.1".repeat(25) + "!",
    };

    @Provide
    Arbitrary<String> nestedPatterns() {
        return Arbitraries.integers().between(0, 99).list().ofMinSize(1).ofMaxSize(40)
                .map(UnitPatternFuzzTest::build);
    }

    /**
     * A pattern from a program of small steps on a stack: push an atom, or quantify, concatenate or alternate what is
     * on top. Quantified parts are grouped first, so every nesting is legal in Python and RE2 alike.
     */
    static String build(List<Integer> program) {
        Deque<String> stack = new ArrayDeque<>();
        for (int op : program) {
            String top = stack.isEmpty() ? null : stack.peek();
            if (op < 35 || top == null) {
                stack.push(ATOMS[op % ATOMS.length]);
            } else if (op < 75) {
                String q = switch (op % 6) {
                    case 0 -> "*";
                    case 1 -> "+";
                    case 2 -> "?";
                    case 3 -> "{2,3}";
                    case 4 -> "{0,}";
                    default -> "{,2}";
                };
                stack.pop();
                stack.push("(" + top + ")" + q);
            } else if (stack.size() >= 2) {
                String b = stack.pop();
                String a = stack.pop();
                stack.push(op < 90 ? a + b : "(" + a + "|" + b + ")");
            }
        }
        StringBuilder pattern = new StringBuilder();
        stack.descendingIterator().forEachRemaining(pattern::append);
        return pattern.toString();
    }

    @Property(tries = 300)
    void nestedQuantifiersCostLinearTimeOnLongNames(@ForAll("nestedPatterns") String regex) {
        UnitPattern pattern;
        try {
            pattern = UnitPattern.compile(regex);
        } catch (IllegalArgumentException refused) {
            if (!refused.getMessage().startsWith("bad unit pattern '")) {
                throw new AssertionError("refusal does not name the pattern: " + refused.getMessage(), refused);
            }
            return;
        }
        for (String name : LONG_NAMES) {
            pattern.matches(name);
            pattern.matches(name + "X");
        }
    }

    @Property(tries = 300)
    void agreesWithJavaRegexOnShortNames(@ForAll("nestedPatterns") String regex,
            @ForAll("shortNames") String name) {
        UnitPattern pattern;
        try {
            pattern = UnitPattern.compile(regex);
        } catch (IllegalArgumentException refused) {
            return;
        }
        boolean expected = java.util.regex.Pattern.compile(regex.replace("{,", "{0,")).matcher(name).matches();
        if (pattern.matches(name) != expected) {
            throw new AssertionError(regex + " on '" + name + "': java.util.regex says " + expected);
        }
    }

    @Provide
    Arbitrary<String> shortNames() {
        return Arbitraries.strings().withChars("am.1_").ofMaxLength(8);
    }
}
