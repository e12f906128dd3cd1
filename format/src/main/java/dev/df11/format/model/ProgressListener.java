package dev.df11.format.model;

/**
 * Hears about the steps of a long model job (one step per unit or plain tensor), and about notices a user should
 * see, such as a unit kept in BF16. Called from the job's thread.
 */
public interface ProgressListener {

    /** A listener that ignores everything. */
    ProgressListener NONE = new ProgressListener() { };

    /** The job will take {@code steps} steps. */
    default void started(long steps) { }

    /** One step done; {@code what} names the unit or tensor. */
    default void step(String what) { }

    /** Something the user should know that is not an error. */
    default void notice(String message) { }
}
