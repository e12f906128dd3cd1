package dev.df11.runtime.serving;

import java.util.List;

/**
 * OpenAI's {@code stop} sequences over streamed text: text is released only when no stop sequence can still begin
 * in it, and generation ends at the first stop sequence, which is not part of the output.
 */
final class StopMatcher {

    private final List<String> stops;
    private final StringBuilder text = new StringBuilder();
    private int released;
    private boolean stopped;

    StopMatcher(List<String> stops) {
        this.stops = List.copyOf(stops);
    }

    /** Adds decoded text; returns the part that can be sent now. */
    String add(String piece) {
        if (stopped) {
            return "";
        }
        text.append(piece);
        int earliest = -1;
        for (String stop : stops) {
            int at = text.indexOf(stop, Math.max(0, released - stop.length() + 1));
            if (at >= 0 && (earliest < 0 || at < earliest)) {
                earliest = at;
            }
        }
        if (earliest >= 0) {
            stopped = true;
            return release(Math.max(earliest, released));
        }
        return release(text.length() - heldBack());
    }

    /** Whether a stop sequence appeared. */
    boolean stopped() {
        return stopped;
    }

    /** The end of the text: whatever was held back is released (no stop sequence completed). */
    String finish() {
        return stopped ? "" : release(text.length());
    }

    /** Length of the longest tail of the text that is a proper prefix of some stop sequence. */
    private int heldBack() {
        int best = 0;
        for (String stop : stops) {
            for (int n = Math.min(stop.length() - 1, text.length() - released); n > best; n--) {
                if (stop.startsWith(text.substring(text.length() - n))) {
                    best = n;
                    break;
                }
            }
        }
        return best;
    }

    private String release(int end) {
        if (end <= released) {
            return "";
        }
        String out = text.substring(released, end);
        released = end;
        return out;
    }
}
