package dev.df11.runtime.serving;

/** The scheduler's queue holds {@code --max-queue} waiting requests already: the caller should retry later. */
public final class QueueFullException extends Exception {

    public QueueFullException(int capacity) {
        super("the server's queue is full (" + capacity + " waiting requests, --max-queue); retry later");
    }
}
