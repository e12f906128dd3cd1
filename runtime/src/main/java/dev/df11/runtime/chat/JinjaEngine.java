package dev.df11.runtime.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import jinjava.javax.el.CompositeELResolver;
import jinjava.javax.el.ELResolver;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Jinjava set up to render Hugging Face chat templates as Python's Jinja2 does in transformers
 * ({@code ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)} with {@code raise_exception},
 * {@code strftime_now} and a {@code tojson} that does not escape HTML). Every error Jinjava reports, even one it
 * would render past, fails the rendering: a prompt rendered around an error is a different prompt.
 */
final class JinjaEngine {

    /** Largest rendering accepted, in characters (far beyond any model's context). */
    static final long MAX_OUTPUT_CHARS = 32L << 20;

    /** Longest range() Jinjava builds (it silently shortens longer ones, so keep this far beyond any use). */
    static final int RANGE_LIMIT = 1 << 24;

    private static final Jinjava JINJAVA = create();

    private JinjaEngine() {
    }

    private static Jinjava create() {
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withKeepTrailingNewline(true)  // Jinja2 drops one trailing newline of the source, not of the output: see render
                .withFailOnUnknownTokens(false)
                // A prompt is at most a context of tokens: a template writing more is broken or hostile.
                .withMaxOutputSize(MAX_OUTPUT_CHARS)
                .withMaxStringLength(MAX_OUTPUT_CHARS)
                // Jinjava cuts range() at 1000 items without an error; Python does not cut it at all.
                .withRangeLimit(RANGE_LIMIT)
                .withNestedInterpretationEnabled(false)  // message text is data, never template code
                .withElResolver(resolver())
                .withInterperterFactory(PythonOutputInterpreter.FACTORY)  // True/False, lists and dicts as Python prints them
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withEvaluateMapKeys(true)
                        .withUsePyishObjectMapper(true)
                        .withUseNaturalOperatorPrecedence(true)
                        .withParseWhitespaceControlStrictly(true)
                        .withAllowAdjacentTextNodes(true)
                        .withUseTrimmingForNotesAndExpressions(true)
                        .withKeepNullableLoopValues(true)
                        .withHandleBackslashInQuotesOnly(true)
                        .build())
                .build();
        Jinjava jinjava = new Jinjava(config);
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
                TemplateFunctions.class, "raiseException", Object.class));
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "strftime_now",
                TemplateFunctions.class, "strftimeNow", String.class));
        jinjava.getGlobalContext().registerFilter(new PythonJsonFilter());
        return jinjava;
    }

    private static ELResolver resolver() {
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PythonStringMethods());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        return resolver;
    }

    /** Jinja2 (keep_trailing_newline=False) removes a single trailing newline from the template source. */
    private static String jinja2Source(String text) {
        text = Jinja2Syntax.rewrite(text);
        if (text.endsWith("\r\n")) {
            return text.substring(0, text.length() - 2);
        }
        return text.endsWith("\n") || text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    static void checkSyntax(String text, String source) {
        JinjavaInterpreter interpreter = JINJAVA.newInterpreter();
        interpreter.parse(jinja2Source(text));
        List<TemplateError> errors = interpreter.getErrors().stream()
                .filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL)
                .toList();
        if (!errors.isEmpty()) {
            throw new ChatTemplateException(source + ": the chat template does not parse: " + describe(errors));
        }
    }

    static String render(String text, Map<String, Object> bindings, String source) {
        RenderResult result = JINJAVA.renderForResult(jinja2Source(text), bindings);
        if (!result.getErrors().isEmpty()) {
            for (TemplateError e : result.getErrors()) {
                Throwable cause = e.getException();
                while (cause != null) {
                    if (cause instanceof TemplateFunctions.RaisedException raised) {
                        throw new ChatTemplateException(source + ": the chat template raised: " + raised.getMessage());
                    }
                    cause = cause.getCause();
                }
            }
            throw new ChatTemplateException(source + ": the chat template cannot be rendered exactly as transformers "
                    + "would render it: " + describe(result.getErrors()));
        }
        return result.getOutput();
    }

    private static String describe(List<TemplateError> errors) {
        return errors.stream()
                .map(e -> (e.getLineno() > 0 ? "line " + e.getLineno() + ": " : "") + e.getMessage()
                        + (e.getFieldName() != null && !e.getFieldName().isEmpty() ? " (" + e.getFieldName() + ")" : ""))
                .collect(Collectors.joining("; "));
    }
}
