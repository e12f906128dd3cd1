package dev.df11.cli;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Turns exceptions into messages for people: what failed and on which file, without Java jargon. */
final class ErrorMessages {

    private ErrorMessages() { }

    static String describe(Throwable e) {
        Throwable t = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
        return switch (t) {
            case NoSuchFileException n -> "no such file or folder: " + n.getFile()
                    + (n.getReason() != null ? " (" + n.getReason() + ")" : "");
            case FileAlreadyExistsException f -> f.getFile() + ": " + (f.getReason() != null ? f.getReason()
                    : "already exists");
            case AccessDeniedException a -> "permission denied: " + a.getFile();
            case NotDirectoryException n -> "not a folder: " + n.getFile();
            case FileSystemException f -> f.getMessage();
            case InternalError i when i.getMessage() != null && i.getMessage().contains("unsafe memory access") ->
                    "a memory-mapped input file could not be read (" + i.getMessage() + "): most likely another "
                    + "program truncated or rewrote it while df11 was reading; run again once nothing else writes to "
                    + "the input";
            case OutOfMemoryError o when o.getMessage() != null && o.getMessage().contains("direct buffer memory") ->
                    "out of off-heap memory (" + o.getMessage() + "): raise the off-heap limit with DF11_OFFHEAP, e.g."
                    + " DF11_OFFHEAP=64g scripts/df11 --tornado ... (-XX:MaxDirectMemorySize when running java"
                    + " yourself), or use a smaller --context";
            case OutOfMemoryError o -> outOfHeap(o, Runtime.getRuntime().maxMemory());
            default -> t.getMessage() != null && !t.getMessage().isBlank() ? t.getMessage()
                    : t.getClass().getSimpleName();
        };
    }

    /**
     * The heap hint: the heap this JVM has and a larger one to ask for. The heap is stated rather than a launcher
     * default, since scripts/df11 (8g) and the bundle's launcher (16g) start with different ones.
     */
    static String outOfHeap(OutOfMemoryError o, long maxHeapBytes) {
        long gib = Math.max(1, (maxHeapBytes + (1L << 30) - 1) >> 30);
        return "out of memory (" + o.getMessage() + "): the Java heap of " + gib + " GiB is too small; give the JVM"
                + " more with DF11_HEAP, e.g. DF11_HEAP=" + 2 * gib + "g scripts/df11 ... (-Xmx when running java"
                + " yourself), or use fewer --threads or a smaller --context";
    }

    /** Whether {@code e} looks like a bug in df11 rather than a problem with the input. */
    static boolean isInternalError(Throwable e) {
        return e instanceof NullPointerException || e instanceof IndexOutOfBoundsException
                || e instanceof InternalError i && (i.getMessage() == null
                        || !i.getMessage().contains("unsafe memory access"))
                || e instanceof IllegalStateException || e instanceof ClassCastException
                || e instanceof ArithmeticException || e instanceof UnsupportedOperationException;
    }
}
