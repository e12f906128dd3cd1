package dev.df11.cli;

import dev.df11.format.model.ProgressListener;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Shows a model job's steps as a progress bar, and prints its notices once the bar is closed so they do not break
 * the bar's line.
 */
final class ProgressBarListener implements ProgressListener, AutoCloseable {

    private final Df11Command command;
    private final String task;
    private final PrintWriter err;
    private final List<String> notices = new ArrayList<>();
    private Progress bar;

    ProgressBarListener(Df11Command command, String task, PrintWriter err) {
        this.command = command;
        this.task = task;
        this.err = err;
    }

    @Override
    public void started(long steps) {
        bar = command.progress(task, steps);
    }

    @Override
    public void step(String what) {
        if (bar != null) {
            bar.step(1, what);
        }
    }

    @Override
    public void notice(String message) {
        notices.add(message);
    }

    /** Notices heard so far. */
    List<String> notices() {
        return List.copyOf(notices);
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        for (String n : notices) {
            err.println("note: " + n);
        }
        err.flush();
    }
}
