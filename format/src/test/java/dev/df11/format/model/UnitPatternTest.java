package dev.df11.format.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.df11.format.testing.TestData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Unit patterns: Python's re.fullmatch answers, in linear time, with clear errors for what RE2 lacks. */
class UnitPatternTest {

    private static final Path CONFIG = Path.of("model/config.json");

    /** Every case of format/src/test/data/python-fullmatch/fullmatch.json, written by CPython's re.fullmatch. */
    @Test
    void agreesWithPythonFullmatchOnOfficialPatterns() throws IOException {
        JsonNode cases = new ObjectMapper().readTree(TestData.dir().resolve("python-fullmatch/fullmatch.json")
                .toFile()).get("cases");
        List<String> wrong = new ArrayList<>();
        for (JsonNode c : cases) {
            String pattern = c.get("pattern").textValue();
            String name = c.get("name").textValue();
            if (UnitPattern.compile(pattern).matches(name) != c.get("fullmatch").booleanValue()) {
                wrong.add(pattern + " on " + name.replace("\n", "\\n") + ": Python says " + c.get("fullmatch"));
            }
        }
        assertTrue(cases.size() > 50, "cases: " + cases.size());
        assertEquals(List.of(), wrong);
    }

    @Test
    void digitsAreUnicodeDecimalDigitsAsInPython() throws Df11ModelException {
        UnitPattern layers = UnitPattern.compile("model\\.layers\\.\\d+", CONFIG);
        assertTrue(layers.matches("model.layers.\u0663\u0664"));      // Arabic-Indic digits, as Python 3
        assertFalse(layers.matches("model.layers.\u00B2"));            // superscript two is not Nd
        assertTrue(UnitPattern.compile("x\\D", CONFIG).matches("x."));
        assertFalse(UnitPattern.compile("x[\\D]", CONFIG).matches("x\u0663"));
    }

    @Test
    void wordAndSpaceClassesStayAscii() throws Df11ModelException {
        // documented difference: Python's \w also matches letters such as e-acute; module names are ASCII
        assertFalse(UnitPattern.compile("\\w+", CONFIG).matches("caf\u00E9"));
        assertTrue(UnitPattern.compile("\\w+", CONFIG).matches("self_attn"));
    }

    @Test
    void lookaheadIsRefusedNamingThePatternAndFile() {
        Df11ModelException e = assertThrows(Df11ModelException.class,
                () -> UnitPattern.compile("model\\.layers\\.(?=\\d)\\d+", CONFIG));
        assertTrue(e.getMessage().startsWith(CONFIG + ": bad unit pattern 'model\\.layers\\.(?=\\d)\\d+'"),
                e.getMessage());
        assertTrue(e.getMessage().contains("without lookarounds"), e.getMessage());
    }

    @Test
    void lookbehindIsRefused() {
        assertThrows(Df11ModelException.class, () -> UnitPattern.compile("(?<!x)lm_head", CONFIG));
    }

    @Test
    void backreferenceIsRefused() {
        Df11ModelException e = assertThrows(Df11ModelException.class,
                () -> UnitPattern.compile("(layers)\\.\\1", CONFIG));
        assertTrue(e.getMessage().contains("'(layers)\\.\\1'") && e.getMessage().contains("\\1"), e.getMessage());
    }

    @Test
    void possessiveAndAtomicGroupsAreRefused() {
        assertThrows(Df11ModelException.class, () -> UnitPattern.compile("a++", CONFIG));
        assertThrows(Df11ModelException.class, () -> UnitPattern.compile("(?>a)", CONFIG));
    }

    @Test
    void unbalancedParenthesisIsRefused() {
        Df11ModelException e = assertThrows(Df11ModelException.class,
                () -> UnitPattern.compile("model\\.layers\\.(", CONFIG));
        assertTrue(e.getMessage().contains("bad unit pattern"), e.getMessage());
    }

    @Test
    void nestedCountedRepetitionIsRefusedBeforeCompiling() {
        // RE2/J would expand this to 10^9 instructions (minutes and gigabytes) before matching anything
        Df11ModelException e = assertThrows(Df11ModelException.class,
                () -> UnitPattern.compile("((a{1000}){1000}){1000}", CONFIG));
        assertTrue(e.getMessage().contains("too large"), e.getMessage());
        assertThrows(Df11ModelException.class, () -> UnitPattern.compile("(a{100}){100}", CONFIG));
        assertThrows(Df11ModelException.class, () -> UnitPattern.compile("(?:(?:x{20,}){20}){20}", CONFIG));
    }

    @Test
    void hugePatternIsRefused() {
        Df11ModelException e = assertThrows(Df11ModelException.class,
                () -> UnitPattern.compile("a".repeat(1_000_000), CONFIG));
        assertTrue(e.getMessage().contains("too large") && e.getMessage().length() < 400, e.getMessage());
    }

    @Test
    void smallCountedRepetitionsAreFine() throws Df11ModelException {
        assertTrue(UnitPattern.compile("(ab){3}c{2,4}", CONFIG).matches("abababccc"));
        assertTrue(UnitPattern.compile("\\p{Nd}{1,3}", CONFIG).matches("123"));
    }

    /**
     * The former hang: 24 {@code .*} then a letter that never comes. A backtracking engine tries about
     * C(name length + 24, 24) splits of each name (for these 300-character names, more than 10^35) before failing.
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void polynomialPatternFinishesOnLongNames() throws Df11ModelException {
        UnitPattern p = UnitPattern.compile(".*".repeat(24) + "X", CONFIG);
        for (int layer = 0; layer < 200; layer++) {
            assertFalse(p.matches(("model.layers." + layer + ".self_attn.q_proj.").repeat(10)));
        }
    }
}
