package dev.df11.runtime.chat;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class Jinja2SyntaxTest {

    @Test
    void reversingSliceOfAChainBecomesTheReverseFilter() {
        assertEquals("{% for m in (messages|reverse) %}", Jinja2Syntax.rewrite("{% for m in messages[::-1] %}"));
        assertEquals("{{ (a.b[0]|reverse).c }}", Jinja2Syntax.rewrite("{{ a.b[0][::-1].c }}"));
        assertEquals("{{ (x|reverse) }}", Jinja2Syntax.rewrite("{{ x[ : : -1 ] }}"));
    }

    @Test
    void keywordArgumentValuesAreParenthesized() {
        assertEquals("{% set ns = namespace(a=(true), b=(messages|length - 1)) %}",
                Jinja2Syntax.rewrite("{% set ns = namespace(a=true, b=messages|length - 1) %}"));
        assertEquals("{{ f(g(x=(1), y=(2)), z=([1, 2])) }}", Jinja2Syntax.rewrite("{{ f(g(x=1, y=2), z=[1, 2]) }}"));
    }

    @Test
    void comparisonsAndAssignmentsAreLeftAlone() {
        String t = "{% set x = 1 %}{% if f(a == b, c != d, e <= 3, g >= 4) %}{{ (x == 1) }}{% endif %}";
        assertEquals(t, Jinja2Syntax.rewrite(t));
    }

    @Test
    void stringsCommentsRawBlocksAndTextAreLeftAlone() {
        String t = "messages[::-1] f(a=b) {{ 'messages[::-1] f(a=b - 1)' }}{# f(a=b) [::-1] #}"
                + "{% raw %}{{ x[::-1] }}{% endraw %}{{ \"q[::-1]\" }}";
        assertEquals(t, Jinja2Syntax.rewrite(t));
    }

    @Test
    void sliceAfterSomethingOtherThanAChainIsLeftForJinjavaToReport() {
        String t = "{{ 'abc'[::-1] }}";
        assertEquals(t, Jinja2Syntax.rewrite(t));
    }
}
