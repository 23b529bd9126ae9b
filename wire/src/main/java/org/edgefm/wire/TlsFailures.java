package org.edgefm.wire;

import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Turns a TLS failure somewhere in an exception's causes (Paho wraps JSSE's) into one line that
 * names the cause: unknown CA, name mismatch, expired or not yet valid certificate, client
 * certificate refused, no common version or suite, a port that does not speak TLS. Used by the agent
 * and by the host for their broker connections (Paho alone says {@code Untranslated MqttException}).
 */
public final class TlsFailures {
    private TlsFailures() {
    }

    /**
     * The TLS cause of {@code e} in words, or null when it is not a TLS failure.
     *
     * @param e      the failure
     * @param caHint what to check when the peer's CA is not trusted (e.g. {@code "check tlsCaFile"})
     * @param clientHint what to check when the broker refused this side's client certificate
     */
    public static String describe(Throwable e, String caHint, String clientHint) {
        StringBuilder all = new StringBuilder();
        boolean tls = false;
        boolean expired = false;
        boolean notYet = false;
        int depth = 0;
        for (Throwable c = e; c != null && depth < 32; c = c.getCause(), depth++) {
            tls |= c instanceof SSLException;
            expired |= c instanceof CertificateExpiredException;
            notYet |= c instanceof CertificateNotYetValidException;
            all.append(" | ").append(c.getMessage());
            if (c.getCause() == c) {
                break;
            }
        }
        if (!tls) {
            return null;
        }
        String m = all.toString().toLowerCase(Locale.ROOT);
        if (expired || m.contains("validity check failed") && m.contains("expired")) {
            return "TLS: a certificate has expired (the broker's, or one in its chain): renew it";
        }
        if (notYet || m.contains("validity check failed") && m.contains("not yet valid")) {
            return "TLS: a certificate is not valid yet (check this machine's clock)";
        }
        if (m.contains("pkix path building failed") || m.contains("unable to find valid certification path")) {
            return "TLS: the broker's certificate is not signed by a CA this side trusts (unknown CA; " + caHint + ")";
        }
        if (m.contains("no subject alternative") || m.contains("no name matching")) {
            return "TLS: the broker's certificate does not name the host in the broker URL (name mismatch)";
        }
        if (m.contains("certificate_expired")) {
            return "TLS: the broker refused this side's client certificate as expired: renew it (" + clientHint + ")";
        }
        if (m.contains("bad_certificate") || m.contains("certificate_required") || m.contains("unknown_ca")
                || m.contains("certificate_unknown") || m.contains("certificate_revoked")) {
            return "TLS: the broker refused this side's client certificate (not signed by the fleet CA, revoked, or"
                    + " missing: " + clientHint + ")";
        }
        if (m.contains("handshake_failure") || m.contains("protocol_version") || m.contains("no appropriate protocol")
                || m.contains("no cipher suites in common")) {
            return "TLS: no TLS version or cipher suite in common with the broker (it accepts TLS 1.2 with forward"
                    + " secrecy and TLS 1.3 only)";
        }
        if (m.contains("plaintext connection") || m.contains("unrecognized ssl message")) {
            return "TLS: the broker port does not speak TLS (use tcp:// for a plain port, ssl:// for a TLS port)";
        }
        String first = e instanceof SSLHandshakeException ? e.getMessage() : all.substring(3);
        return "TLS handshake failed: " + first.replace('\n', ' ');
    }
}
