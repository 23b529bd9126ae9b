package org.edgefm.host.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Collections;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.edgefm.api.EdgeFmException;

/**
 * TLS for the host's connection to its own embedded broker: trusts exactly the certificates in the
 * broker's keystore (no CA, no host name: the peer must hold that very key), TLS 1.3/1.2.
 */
public final class PinnedTls {
    private PinnedTls() {
    }

    /** Marks a socket factory whose trust is pinned to one certificate, so host names need no check. */
    public static final class Factory extends DelegatingSocketFactory {
        Factory(SSLSocketFactory delegate) {
            super(delegate);
        }
    }

    /** A socket factory trusting only the certificates of {@code keystore}. */
    public static SSLSocketFactory socketFactory(Path keystore, char[] password) {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(in, password);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (String alias : Collections.list(ks.aliases())) {
                Certificate c = ks.getCertificate(alias);
                if (c != null) {
                    trust.setCertificateEntry("pinned" + i++, c);
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return new Factory(ctx.getSocketFactory());
        } catch (IOException | GeneralSecurityException e) {
            throw new EdgeFmException("keystore " + keystore + ": cannot read: " + e.getMessage(), e);
        }
    }
}
