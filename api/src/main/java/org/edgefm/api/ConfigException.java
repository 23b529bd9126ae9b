package org.edgefm.api;

/**
 * A configuration value is missing, malformed or out of range. The message names the key (and the
 * file, where there is one) and what was expected.
 */
public class ConfigException extends EdgeFmException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with a one-line message naming the key.
     *
     * @param message one line saying what is wrong and where
     */
    public ConfigException(String message) {
        super(message);
    }
}
