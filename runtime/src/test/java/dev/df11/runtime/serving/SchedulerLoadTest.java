package dev.df11.runtime.serving;

import dev.df11.runtime.testmodels.TestModels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The serving benchmarks' load generator on the CPU scheduler of stories15M (DF11): what a level counts, and that
 * the batch-invariance check passes where tokens agree and counts the requests where they do not.
 */
class SchedulerLoadTest {

    private static final int CONTEXT = 64;
    private static final int TOKENS = 6;

    private static ServingEngine engine(int maxBatch) throws IOException {
        return ServingEngine.open(new ServingEngine.Options(TestModels.stories15MDf11(), "cpu", null, 2, false, null,
                CONTEXT, maxBatch, 64, 0));
    }

    private static int vocab(ServingEngine engine) {
        return engine.forward().weights().config().vocabSize();
    }

    @Test
    void everyRequestBesideOthersGeneratesItsPromptsTokensAlone() throws Exception {
        try (ServingEngine engine = engine(4)) {
            SchedulerLoad load = new SchedulerLoad(engine.scheduler(), TOKENS, vocab(engine));
            assertEquals(8, load.recordAlone(4, 2, Integer.MAX_VALUE), "4 clients x 2 requests, all distinct");
            SchedulerLoad.Result r = load.level(4, 2);
            assertEquals(4, r.clients());
            assertEquals(8, r.requests(), "the timed round only");
            assertEquals(8 * TOKENS, r.tokens());
            assertEquals(8, r.ttft().size());
            assertEquals(8 * (TOKENS - 1), r.gaps().size());
            assertEquals(4 + 8, r.checked(), "warm-up and timed requests are all compared");
            assertEquals(0, r.mismatches(), r.examples().toString());
            assertEquals("12/12 same as alone", r.invariance());
            assertTrue(r.tokensPerSecond() > 0 && r.ttftMillis(0.5) <= r.ttftMillis(0.99));
            assertEquals(0, engine.scheduler().kvBytesInUse(), "every sequence's cache was freed");
        }
    }

    @Test
    void aRequestThatDiffersFromItsPromptAloneIsCountedAndDescribed() throws Exception {
        try (ServingEngine engine = engine(2)) {
            int[] prompt = SchedulerLoad.prompt(0, 0, vocab(engine));
            SchedulerLoad real = new SchedulerLoad(engine.scheduler(), TOKENS, vocab(engine));
            real.recordAlone(1, 1, 1);
            List<Integer> alone = new ArrayList<>(real.tokensAlone(prompt));
            alone.set(0, alone.get(0) + 1);     // a reference the scheduler will not reproduce
            SchedulerLoad load = new SchedulerLoad(engine.scheduler(), TOKENS, vocab(engine),
                    Map.of(Arrays.stream(prompt).boxed().toList(), alone));
            SchedulerLoad.Result r = load.level(2, 1);
            assertEquals(2, r.checked(), "client 0's request in the warm-up and timed rounds; client 1's unrecorded");
            assertEquals(2, r.mismatches());
            assertEquals(2, r.examples().size());
            assertTrue(r.examples().get(0).contains("client 0, request 0"), r.examples().get(0));
            assertTrue(r.invariance().contains("2 of 2 DIFFER"), r.invariance());
        }
    }

    @Test
    void promptsStayInsideASmallVocabulary() {
        for (int client = 0; client < 64; client++) {
            for (int request = 0; request < 4; request++) {
                int[] p = SchedulerLoad.prompt(client, request, 512);
                assertTrue(p.length >= 2 && p.length <= SchedulerLoad.LONGEST_PROMPT, Arrays.toString(p));
                assertEquals(1, p[0]);
                for (int i = 1; i < p.length; i++) {
                    assertTrue(p[i] >= 100 && p[i] < 512, Arrays.toString(p));
                }
            }
        }
    }

    @Test
    void aVocabularyTooSmallForThePromptsIsRefused() throws Exception {
        try (ServingEngine engine = engine(1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new SchedulerLoad(engine.scheduler(), TOKENS, 100));
            assertTrue(e.getMessage().contains("vocabulary of 100"), e.getMessage());
        }
    }

    @Test
    void aContextThatCannotHoldPromptAndTokensIsRefused() throws Exception {
        try (ServingEngine engine = engine(1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new SchedulerLoad(engine.scheduler(), CONTEXT, vocab(engine)));
            assertTrue(e.getMessage().contains("context of " + CONTEXT), e.getMessage());
        }
    }
}
