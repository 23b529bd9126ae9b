package org.edgefm.agent.internal;

import org.edgefm.wire.TlsFailures;

/** Turns a TLS failure somewhere in an exception's causes into one line that names the cause. */
final class TlsFailure {
    private TlsFailure() {
    }

    /** The TLS cause of {@code e} in words, or null when it is not a TLS failure. */
    static String of(Throwable e) {
        return TlsFailures.describe(e, "check tlsCaFile", "check tlsKeystore");
    }
}
