package dev.df11.bench.report;

/** A result file the report cannot use, or an output it cannot write; the message names the file and what to do. */
public final class ReportException extends RuntimeException {

    public ReportException(String message) {
        super(message);
    }

    public ReportException(String message, Throwable cause) {
        super(message, cause);
    }
}
