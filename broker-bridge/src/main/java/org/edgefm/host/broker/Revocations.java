package org.edgefm.host.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CRLHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.edgefm.api.EdgeFmException;

/**
 * Revoked device certificates: a certificate revocation list (CRL, RFC 5280) signed by the fleet CA,
 * kept as {@code crl.pem} beside the CA's certificate ({@code CA_DIR/crl.pem}). {@code ./edgefm fleet
 * revoke} adds a node's certificate to it; the embedded broker refuses a client certificate it lists
 * and cuts a session whose certificate becomes listed; Mosquitto reads the same file as
 * {@code crlfile}. A CRL names serial numbers, so a node that was provisioned again after its
 * revocation connects with its new certificate.
 */
public final class Revocations {
    /** The CRL's file name, beside the CA certificate. */
    public static final String CRL_FILE = "crl.pem";
    /** Validity of a new CRL ({@code nextUpdate}): TLS stacks that check it refuse clients once it passes. */
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(825);

    private Revocations() {
    }

    /** The CRL file of the CA whose certificate is {@code caPem}: {@code crl.pem} in the same folder. */
    public static Path crlBeside(Path caPem) {
        return caPem.toAbsolutePath().resolveSibling(CRL_FILE);
    }

    /**
     * Reads a CRL and checks that one of {@code cas} signed it; null when the file does not exist.
     *
     * @throws EdgeFmException naming the file and the cause (unreadable, not a CRL, not signed by the CA)
     */
    public static X509CRL load(Path crl, List<X509Certificate> cas) {
        if (!Files.exists(crl)) {
            return null;
        }
        X509CRL c;
        try (InputStream in = Files.newInputStream(crl)) {
            c = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(in);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new EdgeFmException("revocation list " + crl + ": not a readable CRL: " + e.getMessage(), e);
        }
        for (X509Certificate ca : cas) {
            try {
                c.verify(ca.getPublicKey());
                return c;
            } catch (GeneralSecurityException wrongCa) {
                // try the next CA of the file
            }
        }
        throw new EdgeFmException("revocation list " + crl + ": not signed by the client CA (issuer "
                + c.getIssuerX500Principal().getName() + ")");
    }

    /** The serial numbers a CRL lists (empty for null). */
    public static Set<BigInteger> serials(X509CRL crl) {
        Set<? extends X509CRLEntry> entries = crl == null ? null : crl.getRevokedCertificates();
        return entries == null ? Set.of() : entries.stream().map(X509CRLEntry::getSerialNumber)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /**
     * Adds a certificate to the CA's CRL (created when missing): the previous entries, this one, the
     * next CRL number, valid from now for {@code validity}. Written owner-readable and world-readable
     * (a CRL is public), replacing the old file atomically.
     *
     * @param caDir    the fleet CA folder of {@code fleet provision}: {@code ca.p12}, its {@code .password}, {@code ca.pem}
     * @param cert     the certificate to revoke; the CA must have issued it
     * @param validity how long the new CRL is valid
     * @return false when the certificate was already revoked (the file is left as it was)
     */
    public static boolean revoke(Path caDir, X509Certificate cert, Duration validity) {
        Path caPem = caDir.resolve("ca.pem");
        Path caP12 = caDir.resolve("ca.p12");
        Path crlFile = caDir.resolve(CRL_FILE);
        if (!Files.isReadable(caPem) || !Files.isReadable(caP12) || !Files.isReadable(FleetProvisioner.password(caP12))) {
            throw new EdgeFmException("--ca " + caDir + ": expected ca.p12, ca.p12.password and ca.pem there");
        }
        X509Certificate ca = ClientCertificates.readCertificates(caPem).get(0);
        try {
            cert.verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new EdgeFmException("certificate " + cert.getSubjectX500Principal().getName() + " (serial "
                    + cert.getSerialNumber().toString(16) + ") was not issued by the CA in " + caDir);
        }
        X509CRL old = load(crlFile, List.of(ca));
        if (serials(old).contains(cert.getSerialNumber())) {
            return false;
        }
        try {
            PrivateKey key = caKey(caP12);
            Instant now = Instant.now();
            X509v2CRLBuilder b = new JcaX509v2CRLBuilder(ca.getSubjectX500Principal(), Date.from(now));
            b.setNextUpdate(Date.from(now.plus(validity)));
            BigInteger number = BigInteger.ONE;
            if (old != null) {
                b.addCRL(new JcaX509CRLHolder(old));
                byte[] n = old.getExtensionValue(Extension.cRLNumber.getId());
                if (n != null) {
                    number = CRLNumber.getInstance(org.bouncycastle.asn1.ASN1OctetString.getInstance(n).getOctets())
                            .getCRLNumber().add(BigInteger.ONE);
                }
            }
            b.addCRLEntry(cert.getSerialNumber(), Date.from(now), CRLReason.keyCompromise);
            b.addExtension(Extension.cRLNumber, false, new CRLNumber(number));
            b.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca));
            String alg = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            X509CRLHolder holder = b.build(new JcaContentSignerBuilder(alg).build(key));
            X509CRL crl = new JcaX509CRLConverter().getCRL(holder);
            StringWriter pem = new StringWriter();
            try (JcaPEMWriter w = new JcaPEMWriter(pem)) {
                w.writeObject(crl);
            }
            Path tmp = Files.createTempFile(caDir, ".crl", ".tmp");
            Files.writeString(tmp, pem.toString(), StandardCharsets.US_ASCII);
            Files.move(tmp, crlFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            try {
                Files.setPosixFilePermissions(crlFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException notPosix) {
                // keep defaults
            }
            return true;
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new EdgeFmException("cannot write the revocation list " + crlFile + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey caKey(Path caP12) throws IOException, GeneralSecurityException {
        char[] pw = Files.readString(FleetProvisioner.password(caP12)).strip().toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(caP12)) {
            ks.load(in, pw);
        }
        if (!(ks.getKey("ca", pw) instanceof PrivateKey k)) {
            throw new EdgeFmException(caP12 + ": no private key 'ca' in it");
        }
        return k;
    }

    /** Whether {@code crl} lists {@code cert} (false for null). */
    public static boolean revoked(X509CRL crl, X509Certificate cert) {
        return crl != null && crl.isRevoked(cert);
    }
}
