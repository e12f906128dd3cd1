package dev.df11.runtime.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.df11.runtime.testmodels.HfReferences;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Inverse frequencies and attention factors of every rope type against what transformers' rotary embedding computed
 * ({@code hf-references/rope.json}, made by {@code make_hf_references.py}): each case's config is parsed in its
 * transformers-5 form and in legacy keys, and df11's fp32 frequencies must agree with transformers' (fp32 arithmetic)
 * to {@link #RELATIVE_TOLERANCE} of each value.
 */
class RopeReferenceTest {

    /** transformers computes in fp32 (a few roundings), df11 in double rounded once: a few fp32 ulps. */
    static final double RELATIVE_TOLERANCE = 1e-6;

    static Stream<Arguments> cases() throws IOException {
        if (!HfReferences.available()) {
            return Stream.of(Arguments.of("references missing", "config", null));
        }
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : HfReferences.ropeCases()) {
            out.add(Arguments.of(c.get("name").asText(), "config", c));
            out.add(Arguments.of(c.get("name").asText(), "legacy_config", c));
        }
        return out.stream();
    }

    @Test
    void everyRopeTypeHasReferences() throws IOException {
        HfReferences.requireAvailable();
        Set<String> types = new TreeSet<>();
        for (JsonNode c : HfReferences.ropeCases()) {
            assertTrue(c.path("error").isMissingNode(), c.get("name") + ": " + c.path("error").asText());
            types.add(c.get("rope_type").asText());
        }
        assertEquals(new TreeSet<>(RopeReader.TYPES), types);
    }

    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("cases")
    void inverseFrequenciesMatchTransformers(String name, String form, JsonNode c) {
        HfReferences.requireAvailable();
        ModelConfig config = ModelConfigParser.parse(c.get(form), name + "/" + form);
        assertEquals(c.get("rope_type").asText(), config.rope().type());
        JsonNode seqLen = c.get("seq_len");
        // At initialisation transformers has seen no sequence: the short one.
        int context = seqLen == null || seqLen.isNull() ? 1 : seqLen.asInt();
        if (context > config.maxPositions()) {
            assertEquals("dynamic", config.rope().type(), name + ": only dynamic cases run past their positions");
            String message = assertThrows(UnsupportedModelException.class,
                    () -> RotaryAngles.inverseFrequencies(config.rope(), config.headDim(), context)).getMessage();
            assertTrue(message.contains("rope_type dynamic"), message);
            return;
        }
        float[] actual = RotaryAngles.inverseFrequencies(config.rope(), config.headDim(), context);
        JsonNode expected = c.get("inv_freq");
        assertEquals(expected.size(), actual.length, name + ": frequency count");
        double worst = 0;
        for (int i = 0; i < actual.length; i++) {
            double e = expected.get(i).asDouble();
            double relative = Math.abs(actual[i] - e) / Math.abs(e);
            worst = Math.max(worst, relative);
            if (relative > RELATIVE_TOLERANCE) {
                fail(name + " (" + form + "): inv_freq[" + i + "] = " + actual[i] + ", transformers " + e);
            }
        }
        double attention = c.get("attention_factor").asDouble();
        assertEquals(attention, config.rope().attentionFactor(), 1e-6 * attention, name + ": attention factor");
        System.out.printf("rope %s (%s): worst relative difference %.3g%n", name, form, worst);
    }
}
