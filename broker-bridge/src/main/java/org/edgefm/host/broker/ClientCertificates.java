package org.edgefm.host.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.edgefm.api.EdgeFmException;

/** Client-certificate helpers of the embedded broker: the CN that names a node, the CA trust store. */
public final class ClientCertificates {
    private ClientCertificates() {
    }

    /** The certificate subject's CN, or null when it has none. */
    public static String commonName(X509Certificate c) {
        try {
            LdapName dn = new LdapName(c.getSubjectX500Principal().getName());
            String cn = null;
            for (Rdn r : dn.getRdns()) {
                if (r.getType().equalsIgnoreCase("CN")) {
                    if (cn != null) {
                        return null; // two CNs: ambiguous, no identity
                    }
                    cn = String.valueOf(r.getValue());
                }
            }
            return cn;
        } catch (InvalidNameException e) {
            return null;
        }
    }

    /** Reads every certificate of a PEM (or DER) file. */
    public static List<X509Certificate> readCertificates(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new EdgeFmException("certificate file " + pem + ": no certificate in it");
            }
            return out;
        } catch (IOException | GeneralSecurityException e) {
            throw new EdgeFmException("certificate file " + pem + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Writes a PKCS#12 trust store holding the CA certificate(s) of a PEM file. */
    static void writeTrustStore(Path caPem, Path out, char[] password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        int i = 0;
        for (X509Certificate c : readCertificates(caPem)) {
            ks.setCertificateEntry("ca" + i++, c);
        }
        try (OutputStream o = Files.newOutputStream(out)) {
            ks.store(o, password);
        }
    }
}
