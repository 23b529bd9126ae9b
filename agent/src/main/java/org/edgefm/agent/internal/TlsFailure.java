package org.edgefm.agent.internal;

import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/** Turns a TLS failure somewhere in an exception's causes into one line that names the cause. */
final class TlsFailure {
    private TlsFailure() {
    }

    /** The TLS cause of {@code e} in words, or null when it is not a TLS failure. */
    static String of(Throwable e) {
        String all = "";
        boolean tls = false;
        boolean expired = false;
        boolean notYet = false;
        for (Throwable c = e; c != null && c.getCause() != c; c = c.getCause()) {
            tls |= c instanceof SSLException;
            expired |= c instanceof CertificateExpiredException;
            notYet |= c instanceof CertificateNotYetValidException;
            all += " | " + c.getMessage();
            if (c.getCause() == null) {
                break;
            }
        }
        if (!tls) {
            return null;
        }
        String m = all.toLowerCase(java.util.Locale.ROOT);
        if (expired || m.contains("validity check failed") && m.contains("expired")) {
            return "TLS: a certificate has expired (the broker's, or one in its chain): renew it";
        }
        if (notYet) {
            return "TLS: a certificate is not valid yet (check this device's clock)";
        }
        if (m.contains("pkix path building failed") || m.contains("unable to find valid certification path")) {
            return "TLS: the broker's certificate is not signed by a CA this node trusts (unknown CA; check tlsCaFile)";
        }
        if (m.contains("no subject alternative") || m.contains("no name matching")) {
            return "TLS: the broker's certificate does not name the host in the broker URL (name mismatch)";
        }
        if (m.contains("bad_certificate") || m.contains("certificate_required") || m.contains("unknown_ca")
                || m.contains("certificate_unknown")) {
            return "TLS: the broker refused this node's client certificate (not signed by the fleet CA, revoked, or"
                    + " missing: check tlsKeystore)";
        }
        if (m.contains("handshake_failure") || m.contains("protocol_version") || m.contains("no appropriate protocol")
                || m.contains("no cipher suites in common")) {
            return "TLS: no TLS version or cipher suite in common with the broker (it accepts TLS 1.2 with forward"
                    + " secrecy and TLS 1.3 only)";
        }
        if (m.contains("plaintext connection") || m.contains("unrecognized ssl message")) {
            return "TLS: the broker port does not speak TLS (use tcp:// for a plain port, ssl:// for a TLS port)";
        }
        return "TLS handshake failed: " + (e instanceof SSLHandshakeException ? e.getMessage() : all.substring(3));
    }
}
