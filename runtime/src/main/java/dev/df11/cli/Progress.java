package dev.df11.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar on stderr (me.tongfei:progressbar), or nothing. Steps are units or tensors. */
public abstract class Progress implements AutoCloseable {

    /** Advances by {@code steps} and shows {@code message} (the unit or tensor being worked on) beside the bar. */
    public abstract void step(long steps, String message);

    @Override
    public abstract void close();

    static Progress silent() {
        return new Progress() {
            @Override
            public void step(long steps, String message) { }

            @Override
            public void close() { }
        };
    }

    static Progress console(String task, long max) {
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(max)
                .setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .setUpdateIntervalMillis(250)
                .continuousUpdate()
                .build();
        return new Progress() {
            @Override
            public synchronized void step(long steps, String message) {
                bar.stepBy(steps);
                bar.setExtraMessage(message);
            }

            @Override
            public void close() {
                bar.close();
            }
        };
    }
}
