package dev.df11.bench.report;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChartFontsTest {

    @Test
    void aMachineWithoutFontsGetsTheCauseAndWhatToDo() {
        Optional<String> problem = ChartFonts.problem(() -> {
            throw new RuntimeException("Fontconfig head is null, check your fonts or fonts configuration");
        });
        assertTrue(problem.isPresent());
        assertTrue(problem.get().contains("Fontconfig head is null"), problem.get());
        assertTrue(problem.get().contains("fonts-dejavu-core"), problem.get());
        assertTrue(problem.get().contains("--no-render"), problem.get());
    }

    @Test
    void anErrorWithoutMessageIsNamedByItsClass() {
        Optional<String> problem = ChartFonts.problem(() -> {
            throw new UnsatisfiedLinkError();
        });
        assertTrue(problem.orElseThrow().contains("java.lang.UnsatisfiedLinkError"), problem.get());
    }

    @Test
    void drawingThatWorksIsNoProblem() {
        assertEquals(Optional.empty(), ChartFonts.problem(() -> { }));
    }
}
