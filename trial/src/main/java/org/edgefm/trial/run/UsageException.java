package org.edgefm.trial.run;

import org.edgefm.api.EdgeFmException;

/**
 * A run refused before it started because an option is wrong or options contradict each other; the
 * message names the option. A command line turns it into its usage error (exit code 2).
 */
public final class UsageException extends EdgeFmException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
