package dev.df11.runtime.serving;

import io.helidon.common.buffers.DataReader;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http1.Http1ConnectionListener;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Notices that the client of a non-streaming request closed its connection while the answer is being generated, so
 * that its sequence can be cancelled at once instead of running to {@code max_tokens}.
 *
 * <p>A non-streaming answer writes nothing until it is done, and Helidon 4 offers no notice of a closed HTTP/1
 * connection while a handler runs (its sockets' {@code isConnected()} turns false only once the server itself closed
 * them; the idle check of its blocking sockets is not used by the server). A closed connection shows as end-of-stream
 * on a read, so, as Go's {@code net/http} does, a virtual thread waits in a read on the connection while the answer
 * is generated: through the connection's own {@link DataReader}, which keeps whatever it reads for the connection's
 * next request, so a client that sends its next request early (pipelining) or later on the same connection
 * (keep-alive) loses nothing. End-of-stream, or a failed read (a reset), means the client went away.
 *
 * <p>The read cannot be called off without closing the connection (a blocking channel has no read timeout), and the
 * reader must not be read by two threads at once: so the request's thread, after writing its answer, waits in
 * {@link #release} until that read has returned (the client's next request has started to arrive, or it closed the
 * connection) before giving the connection back to Helidon. That is the wait Helidon's connection loop would do for
 * the next request anyway, and like that wait it ends after the listener's idle-connection timeout (Helidon's idle
 * sweep cannot end it: it interrupts only connections that wait in Helidon's own read). At shutdown {@link #close}
 * ends it at once. Either way the connection is closed.
 *
 * <p>The connection reaches the handler through {@link #listener()}, an HTTP/1 receive listener that Helidon calls on
 * the connection's thread with the {@link ConnectionContext} just before routing the request on that same thread.
 */
final class ClientWatch {

    /** The connection of the request the current (connection's) thread is handling. */
    private static final ThreadLocal<ConnectionContext> CONNECTION = new ThreadLocal<>();

    /** A watch that watches nothing: the connection is unknown, or the client already sent more. */
    static final ClientWatch NONE = new ClientWatch();

    /** The thread waiting in the read; null for {@link #NONE}. */
    private Thread reader;
    /** How long an answered connection may wait for the client's next request: the listener's idle timeout. */
    private Duration idleTimeout;
    /** Counted down when the watching read has returned, or the server is closing. */
    private final CountDownLatch over = new CountDownLatch(1);
    private volatile Runnable onGone;
    private volatile boolean gone;
    private volatile boolean released;
    private volatile boolean closing;

    private ClientWatch() {
    }

    /** The HTTP/1 receive listener to register with the server, which tells each request's thread its connection. */
    static Http1ConnectionListener listener() {
        return new Http1ConnectionListener() {
            @Override
            public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
                CONNECTION.set(ctx);
            }
        };
    }

    /**
     * Starts watching the connection of {@code request}; call on the request's thread once its body has been read.
     * Every watch that is started must be {@link #release released} on that thread before the handler returns.
     *
     * @param onGone run once, on the watching thread, when the client closes the connection before {@link #release}
     * @return the watch, or {@link #NONE} when the connection cannot be watched: its thread is not the connection's,
     *         the body was not read to its end, or bytes of a next request are already buffered (then an early close
     *         cannot be told from them, and the answer is written as before)
     */
    static ClientWatch start(ServerRequest request, Runnable onGone) {
        ConnectionContext connection = CONNECTION.get();
        if (connection == null || !request.content().consumed()) {
            return NONE;
        }
        DataReader data = connection.dataReader();
        if (data.available() > 0) {
            return NONE;
        }
        ClientWatch watch = new ClientWatch();
        watch.onGone = onGone;
        watch.idleTimeout = connection.listenerContext().config().idleConnectionTimeout();
        watch.reader = Thread.ofVirtual().name("df11-client-watch").unstarted(() -> watch.await(data));
        watch.reader.start();
        return watch;
    }

    private void await(DataReader data) {
        try {
            data.ensureAvailable();     // the client's next bytes: it is still there
        } catch (RuntimeException closedOrReset) {
            // End of stream (DataReader.InsufficientDataAvailableException) or a failed read: the client is gone.
            gone = true;
            if (!released) {
                onGone.run();
            }
        } finally {
            over.countDown();
        }
    }

    /** Whether the client closed (or reset) its connection. */
    boolean gone() {
        return gone;
    }

    /**
     * Waits until the watching read has returned, so that the connection's reader is Helidon's alone again: until the
     * client sends its next request or closes the connection. Call on the request's thread before returning.
     *
     * @throws CloseConnectionException when the wait was ended by {@link #close}, an interrupt (Helidon's own
     *                                  shutdown) or the idle timeout while the read still runs: the connection cannot
     *                                  be read again, and Helidon closes it quietly on this exception
     */
    void release() {
        if (reader == null) {
            return;
        }
        released = true;
        try {
            if (!over.await(idleTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
                closing = true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closing = true;
        }
        // A thread seen terminated has published all it did (JLS 17.4.4): what it read is Helidon's to use.
        if (closing && reader.isAlive()) {
            throw new CloseConnectionException("connection closed after its answer: idle for "
                    + idleTimeout + ", or the server is shutting down");
        }
    }

    /** The server is shutting down: stop waiting for this client's next request, and close its connection. */
    void close() {
        closing = true;
        over.countDown();
    }
}
