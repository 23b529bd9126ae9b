package org.edgefm.api;

/**
 * Root of EdgeFM's exception family: every expected error that EdgeFM reports to a user (a bad
 * scenario file, a malformed MQTT payload, a bad configuration, a failing plugin) is a subclass.
 *
 * <p>The message MUST be one line that names what is wrong and where, so that a launcher can print
 * it without a stack trace.
 */
public class EdgeFmException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a one-line message.
     *
     * @param message one line saying what is wrong and where
     */
    public EdgeFmException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a one-line message and the underlying cause.
     *
     * @param message one line saying what is wrong and where
     * @param cause the underlying exception
     */
    public EdgeFmException(String message, Throwable cause) {
        super(message, cause);
    }
}
