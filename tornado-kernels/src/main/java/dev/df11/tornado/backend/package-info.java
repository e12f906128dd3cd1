/**
 * The runtime's {@link dev.df11.runtime.backend.Backend} on TornadoVM
 * ({@link dev.df11.tornado.backend.TornadoBackend}), registered for {@code --backend tornado} through
 * {@link java.util.ServiceLoader} ({@link dev.df11.tornado.backend.TornadoBackendProvider}), with device selection
 * and the checks that turn a missing SDK, driver, device or memory into a message.
 */
package dev.df11.tornado.backend;
