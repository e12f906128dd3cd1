package dev.df11.bench.report;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Optional;

/**
 * Whether this machine can draw the charts' text. Headless AWT needs no display but does need fontconfig and a font;
 * without them the JDK fails only when the first string is drawn ("Fontconfig head is null"), which for
 * {@code scripts/bench-report.sh} would be after every suite has run. Checking first turns that into one clear line.
 */
final class ChartFonts {

    static final String HINT = "install fontconfig and a TrueType font (Debian/Ubuntu: fonts-dejavu-core), or run"
            + " scripts/bench-report.sh with --no-render and render its results on another machine with --render-only";

    private ChartFonts() {
    }

    /** Empty when a string can be drawn here, else what went wrong and what to do. */
    static Optional<String> problem() {
        return problem(() -> {
            BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            try {
                g.drawString("df11", 0, 8);
            } finally {
                g.dispose();
            }
        });
    }

    /** {@link #problem()} for a given drawing action (the test's way to stand in for a machine without fonts). */
    static Optional<String> problem(Runnable draw) {
        try {
            draw.run();
            return Optional.empty();
        } catch (RuntimeException | Error e) {
            String cause = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
            return Optional.of("cannot draw the charts' text on this machine (" + cause + "): " + HINT);
        }
    }
}
