package org.edgefm.agent.install;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.edgefm.api.EdgeFmException;

/**
 * A node's client certificate and private key for mutual TLS, read from what an operator has, in
 * the form the agent reads ({@code tlsKeystore}: a PKCS#12 file whose password is in
 * {@code FILE.password}). Accepted:
 * <ul>
 * <li>a bundle folder of {@code edgefm fleet provision} ({@code nodes/NODE/}: {@code NODE.p12},
 * {@code NODE.p12.password}, {@code ca.pem}, {@code agent.json}); its {@code fleet}, {@code nodeId}
 * and {@code broker} are offered as configuration keys;</li>
 * <li>a PKCS#12 file, its password in {@code FILE.password} next to it;</li>
 * <li>a PEM certificate (the chain may follow the node's certificate; or one DER certificate) with a PEM private key
 * ({@code --key}: PKCS#8 {@code PRIVATE KEY}, or OpenSSL's traditional {@code RSA PRIVATE KEY} and
 * {@code EC PRIVATE KEY}; not encrypted), put into a new PKCS#12 file with a random password.</li>
 * </ul>
 * Checked before anything is written: the key opens and belongs to the certificate, the
 * certificate is valid now and allowed for client authentication, and its CN is the node id (the
 * embedded broker binds a client certificate to the node its CN names).
 *
 * @param keystore    the PKCS#12 file's bytes
 * @param password    its password
 * @param leaf        the node's certificate
 * @param commonName  its CN
 * @param caFile      the CA certificate (PEM) the source brings ({@code ca.pem} of a bundle, or next
 *                    to a {@code .p12} file), or null
 * @param bundleKeys  configuration keys of a bundle's {@code agent.json} ({@code fleet},
 *                    {@code nodeId}, {@code broker}), empty otherwise
 * @param source      what was read, for messages
 */
public record ClientIdentity(byte[] keystore, String password, X509Certificate leaf, String commonName, Path caFile,
        Map<String, String> bundleKeys, String source) {
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final Pattern JSON_STRING = Pattern.compile("\"(fleet|nodeId|broker)\"\\s*:\\s*\"([^\"\\\\]*)\"");

    /** A note when the certificate expires within this time. */
    static final Duration EXPIRY_WARNING = Duration.ofDays(30);

    @Override
    public String toString() {
        return "ClientIdentity[" + source + ", CN=" + commonName + "]";
    }

    /**
     * Reads a client identity.
     *
     * @param cert   {@code --cert}: a bundle folder, a {@code .p12}/{@code .pfx} file, or a PEM certificate
     * @param key    {@code --key}: the PEM private key of a PEM certificate, else null
     * @param nodeId the node id the install was given, or null: picks {@code NODE.p12} in a bundle folder
     *               (the installer checks that the certificate's CN is the node id)
     * @throws EdgeFmException one line naming the file and what is missing or wrong
     */
    public static ClientIdentity read(Path cert, Path key, String nodeId) {
        ClientIdentity id;
        if (Files.isDirectory(cert)) {
            if (key != null) {
                throw new EdgeFmException("--key " + key + ": not used with a bundle folder (--cert " + cert
                        + " holds the key in its .p12 file)");
            }
            id = bundle(cert, nodeId);
        } else if (!Files.exists(cert)) {
            throw new EdgeFmException("--cert " + cert + ": no such file or folder (expected: a bundle folder of"
                    + " 'edgefm fleet provision', a .p12 file, or a PEM certificate with --key)");
        } else if (isPkcs12(cert, key != null)) {
            if (key != null) {
                throw new EdgeFmException("--key " + key + ": not used with a PKCS#12 file (--cert " + cert
                        + " holds the key)");
            }
            Path ca = cert.resolveSibling("ca.pem");
            id = pkcs12(cert, Files.isRegularFile(ca) ? ca : null, Map.of());
        } else {
            if (key == null) {
                throw new EdgeFmException("--cert " + cert + ": a PEM certificate needs its private key (give --key FILE)");
            }
            id = pem(cert, key);
        }
        return id;
    }

    /** Lines worth printing about this identity (an expiry soon). */
    public List<String> notes(Instant now) {
        Instant end = leaf.getNotAfter().toInstant();
        if (Duration.between(now, end).compareTo(EXPIRY_WARNING) < 0) {
            return List.of("the client certificate of " + commonName + " expires on " + end + " (in "
                    + Duration.between(now, end).toDays() + " days): provision a new one in time");
        }
        return List.of();
    }

    private static ClientIdentity bundle(Path dir, String nodeId) {
        List<Path> stores = new ArrayList<>();
        try (var files = Files.list(dir)) {
            files.filter(f -> f.getFileName().toString().endsWith(".p12")).sorted().forEach(stores::add);
        } catch (IOException e) {
            throw new EdgeFmException("--cert " + dir + ": cannot list the folder (" + e.getClass().getSimpleName() + ")");
        }
        Map<String, String> keys = bundleKeys(dir.resolve("agent.json"));
        String want = nodeId != null ? nodeId : keys.get("nodeId");
        Path p12;
        if (want != null && Files.isRegularFile(dir.resolve(want + ".p12"))) {
            p12 = dir.resolve(want + ".p12");
        } else if (stores.size() == 1) {
            p12 = stores.get(0);
        } else if (stores.isEmpty()) {
            throw new EdgeFmException("--cert " + dir + ": no NODE.p12 in the folder (expected a node's bundle of"
                    + " 'edgefm fleet provision': nodes/NODE/)");
        } else {
            throw new EdgeFmException("--cert " + dir + ": " + stores.size() + " .p12 files and none named after the node"
                    + " (give --node-id ID or the .p12 file itself)");
        }
        Path ca = dir.resolve("ca.pem");
        if (!Files.isRegularFile(ca)) {
            throw new EdgeFmException("--cert " + dir + ": no ca.pem in the bundle (the fleet CA's certificate, which"
                    + " signed the broker's)");
        }
        return pkcs12(p12, ca, keys);
    }

    private static Map<String, String> bundleKeys(Path agentJson) {
        if (!Files.isRegularFile(agentJson)) {
            return Map.of();
        }
        String text;
        try {
            text = Files.readString(agentJson);
        } catch (IOException e) {
            throw new EdgeFmException(agentJson + ": cannot read it (" + e.getClass().getSimpleName() + ")");
        }
        Map<String, String> keys = new LinkedHashMap<>();
        Matcher m = JSON_STRING.matcher(text);
        while (m.find()) {
            keys.put(m.group(1), m.group(2));
        }
        return Collections.unmodifiableMap(keys);
    }

    private static ClientIdentity pkcs12(Path p12, Path ca, Map<String, String> bundleKeys) {
        Path pwFile = Path.of(p12 + ".password");
        String pw;
        try {
            pw = Files.readString(pwFile).strip();
        } catch (NoSuchFileException e) {
            throw new EdgeFmException("--cert " + p12 + ": no password file " + pwFile + " next to it (the keystore's"
                    + " password on one line)");
        } catch (IOException e) {
            throw new EdgeFmException("--cert " + p12 + ": cannot read " + pwFile + " (" + e.getClass().getSimpleName() + ")");
        }
        byte[] bytes = readAll(p12, "--cert");
        KeyStore ks;
        try {
            ks = KeyStore.getInstance("PKCS12");
            ks.load(new ByteArrayInputStream(bytes), pw.toCharArray());
        } catch (IOException | GeneralSecurityException e) {
            throw new EdgeFmException("--cert " + p12 + ": cannot open it with the password in " + pwFile + " ("
                    + rootMessage(e) + ")");
        }
        try {
            String alias = null;
            for (String a : Collections.list(ks.aliases())) {
                if (ks.isKeyEntry(a)) {
                    if (alias != null) {
                        throw new EdgeFmException("--cert " + p12 + ": more than one private key in it (expected one: the node's)");
                    }
                    alias = a;
                }
            }
            if (alias == null) {
                throw new EdgeFmException("--cert " + p12 + ": no private key in it (expected the node's key and certificate)");
            }
            Key k = ks.getKey(alias, pw.toCharArray());
            Certificate[] chain = ks.getCertificateChain(alias);
            if (!(k instanceof PrivateKey pk) || chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
                throw new EdgeFmException("--cert " + p12 + ": entry '" + alias + "' has no X.509 certificate chain");
            }
            checkLeaf(leaf, pk, "--cert " + p12);
            return new ClientIdentity(bytes, pw, leaf, commonName(leaf, "--cert " + p12), ca, bundleKeys, p12.toString());
        } catch (GeneralSecurityException e) {
            throw new EdgeFmException("--cert " + p12 + ": cannot read its key (" + rootMessage(e) + ")");
        }
    }

    private static ClientIdentity pem(Path certFile, Path keyFile) {
        List<X509Certificate> chain = new ArrayList<>();
        byte[] certBytes = readAll(certFile, "--cert");
        String certText = new String(certBytes, StandardCharsets.US_ASCII);
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            Matcher m = PEM.matcher(certText);
            while (m.find()) {
                if (m.group(1).equals("CERTIFICATE")) {
                    chain.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(m.group(0).getBytes(StandardCharsets.US_ASCII))));
                }
            }
            if (chain.isEmpty() && certBytes.length > 0 && certBytes[0] == 0x30) {
                chain.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(certBytes))); // DER
            }
        } catch (GeneralSecurityException e) {
            throw new EdgeFmException("--cert " + certFile + ": not a readable PEM certificate (" + rootMessage(e) + ")");
        }
        if (chain.isEmpty()) {
            throw new EdgeFmException("--cert " + certFile + ": no PEM certificate in it (expected -----BEGIN CERTIFICATE-----,"
                    + " or a .p12 file, or a bundle folder)");
        }
        PrivateKey key = privateKey(keyFile, chain.get(0));
        checkLeaf(chain.get(0), key, "--cert " + certFile);
        String cn = commonName(chain.get(0), "--cert " + certFile);
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String pw = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry(cn, key, pw.toCharArray(), chain.toArray(Certificate[]::new));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ks.store(out, pw.toCharArray());
            return new ClientIdentity(out.toByteArray(), pw, chain.get(0), cn, null, Map.of(), certFile.toString());
        } catch (IOException | GeneralSecurityException e) {
            throw new EdgeFmException("--cert " + certFile + ": cannot make a PKCS#12 keystore of it (" + rootMessage(e) + ")");
        }
    }

    /** Reads a PEM private key of the certificate's algorithm. */
    private static PrivateKey privateKey(Path keyFile, X509Certificate cert) {
        String text = new String(readAll(keyFile, "--key"), StandardCharsets.US_ASCII);
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            if (!type.endsWith("PRIVATE KEY")) {
                continue; // e.g. the EC PARAMETERS block that openssl ecparam -genkey writes first
            }
            if (type.startsWith("ENCRYPTED") || m.group(2).contains("Proc-Type: 4,ENCRYPTED")) {
                throw new EdgeFmException("--key " + keyFile + ": the key is encrypted (decrypt it first, for example"
                        + " openssl pkey -in KEY -out KEY.plain, and keep the result owner-only)");
            }
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(m.group(2).strip());
            } catch (IllegalArgumentException e) {
                throw new EdgeFmException("--key " + keyFile + ": the PEM block is not base64");
            }
            byte[] pkcs8 = switch (type) {
                case "PRIVATE KEY" -> der;
                case "RSA PRIVATE KEY" -> Der.pkcs8(Der.RSA_ENCRYPTION_ALG, der);
                case "EC PRIVATE KEY" -> Der.pkcs8(Der.ecAlgorithm(der, keyFile), der);
                default -> throw new EdgeFmException("--key " + keyFile + ": unsupported key type '" + type
                        + "' (expected PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
            };
            String alg = cert.getPublicKey().getAlgorithm();
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException e) {
                throw new EdgeFmException("--key " + keyFile + ": not a " + alg + " private key like the certificate's ("
                        + rootMessage(e) + ")");
            }
        }
        throw new EdgeFmException("--key " + keyFile + ": no PEM private key in it (expected -----BEGIN PRIVATE KEY-----)");
    }

    /** The key signs what the certificate's public key verifies; the certificate is valid now and for clients. */
    private static void checkLeaf(X509Certificate leaf, PrivateKey key, String where) {
        try {
            String alg = switch (key.getAlgorithm()) {
                case "EC" -> "SHA256withECDSA";
                case "RSA" -> "SHA256withRSA";
                case "RSASSA-PSS" -> "RSASSA-PSS";
                default -> key.getAlgorithm(); // Ed25519, Ed448
            };
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature s = Signature.getInstance(alg);
            if (alg.equals("RSASSA-PSS")) {
                s.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                        java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
            }
            s.initSign(key);
            s.update(challenge);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            if (alg.equals("RSASSA-PSS")) {
                v.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                        java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
            }
            v.initVerify(leaf.getPublicKey());
            v.update(challenge);
            if (!v.verify(sig)) {
                throw new EdgeFmException(where + ": the private key does not belong to the certificate (CN "
                        + cnOrSubject(leaf) + ")");
            }
        } catch (GeneralSecurityException e) {
            throw new EdgeFmException(where + ": the private key does not belong to the certificate (CN " + cnOrSubject(leaf)
                    + "; " + rootMessage(e) + ")");
        }
        try {
            leaf.checkValidity();
        } catch (CertificateExpiredException e) {
            throw new EdgeFmException(where + ": the certificate expired on " + leaf.getNotAfter().toInstant()
                    + " (provision a new one)");
        } catch (CertificateNotYetValidException e) {
            throw new EdgeFmException(where + ": the certificate is valid only from " + leaf.getNotBefore().toInstant()
                    + " (is this machine's clock right?)");
        }
        try {
            List<String> eku = leaf.getExtendedKeyUsage();
            if (eku != null && !eku.contains("1.3.6.1.5.5.7.3.2") && !eku.contains("2.5.29.37.0")) {
                throw new EdgeFmException(where + ": the certificate is not for client authentication (extended key usage"
                        + " " + eku + " lacks clientAuth)");
            }
        } catch (java.security.cert.CertificateParsingException e) {
            throw new EdgeFmException(where + ": unreadable extended key usage (" + rootMessage(e) + ")");
        }
    }

    private static String commonName(X509Certificate c, String where) {
        try {
            String cn = null;
            for (Rdn r : new LdapName(c.getSubjectX500Principal().getName()).getRdns()) {
                if (r.getType().equalsIgnoreCase("CN")) {
                    if (cn != null) {
                        throw new EdgeFmException(where + ": the certificate's subject has two CNs (expected one: the node id)");
                    }
                    cn = String.valueOf(r.getValue());
                }
            }
            if (cn == null) {
                throw new EdgeFmException(where + ": the certificate's subject " + c.getSubjectX500Principal().getName()
                        + " has no CN (expected CN=NODE-ID)");
            }
            return cn;
        } catch (InvalidNameException e) {
            throw new EdgeFmException(where + ": unreadable subject name");
        }
    }

    private static String cnOrSubject(X509Certificate c) {
        try {
            return commonName(c, "");
        } catch (EdgeFmException e) {
            return c.getSubjectX500Principal().getName();
        }
    }

    /** A {@code .p12}/{@code .pfx} name, or binary DER without {@code --key} (with one it is a DER certificate). */
    private static boolean isPkcs12(Path f, boolean keyGiven) {
        String n = f.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (n.endsWith(".p12") || n.endsWith(".pfx")) {
            return true;
        }
        if (keyGiven) {
            return false;
        }
        try (InputStream in = Files.newInputStream(f)) {
            int b = in.read();
            return b == 0x30; // DER: a SEQUENCE, not a PEM text
        } catch (IOException e) {
            return false;
        }
    }

    private static byte[] readAll(Path f, String flag) {
        try {
            return Files.readAllBytes(f);
        } catch (NoSuchFileException e) {
            throw new EdgeFmException(flag + " " + f + ": no such file");
        } catch (IOException e) {
            throw new EdgeFmException(flag + " " + f + ": cannot read it (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }

    /** Just enough DER to wrap OpenSSL's traditional private keys into PKCS#8. */
    static final class Der {
        /** AlgorithmIdentifier rsaEncryption with NULL parameters. */
        static final byte[] RSA_ENCRYPTION_ALG = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7,
            0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
        private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

        private Der() {
        }

        /** PrivateKeyInfo { version 0, algorithm, OCTET STRING key }. */
        static byte[] pkcs8(byte[] algorithm, byte[] key) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.writeBytes(new byte[] {0x02, 0x01, 0x00});
            body.writeBytes(algorithm);
            body.writeBytes(tlv(0x04, key));
            return tlv(0x30, body.toByteArray());
        }

        /** The AlgorithmIdentifier { ecPublicKey, curve } of a SEC1 ECPrivateKey (its [0] parameters name the curve). */
        static byte[] ecAlgorithm(byte[] sec1, Path where) {
            try {
                int[] seq = header(sec1, 0, 0x30);
                int p = seq[0];
                int end = p + seq[1];
                while (p < end) {
                    int tag = sec1[p] & 0xff;
                    int[] h = header(sec1, p, tag);
                    if (tag == 0xa0) {
                        byte[] curve = java.util.Arrays.copyOfRange(sec1, h[0], h[0] + h[1]);
                        ByteArrayOutputStream alg = new ByteArrayOutputStream();
                        alg.writeBytes(EC_PUBLIC_KEY_OID);
                        alg.writeBytes(curve);
                        return tlv(0x30, alg.toByteArray());
                    }
                    p = h[0] + h[1];
                }
            } catch (ArrayIndexOutOfBoundsException | IllegalArgumentException e) {
                throw new EdgeFmException("--key " + where + ": not a readable EC PRIVATE KEY");
            }
            throw new EdgeFmException("--key " + where + ": the EC PRIVATE KEY does not name its curve (convert it: openssl"
                    + " pkey -in KEY -out KEY.pk8)");
        }

        /** {content offset, content length} of the element at {@code p}, which must have tag {@code tag}. */
        private static int[] header(byte[] d, int p, int tag) {
            if ((d[p] & 0xff) != tag) {
                throw new IllegalArgumentException("tag");
            }
            int len = d[p + 1] & 0xff;
            int off = p + 2;
            if (len > 0x80) {
                int n = len - 0x80;
                if (n > 3) {
                    throw new IllegalArgumentException("length");
                }
                len = 0;
                for (int i = 0; i < n; i++) {
                    len = (len << 8) | (d[off + i] & 0xff);
                }
                off += n;
            } else if (len == 0x80) {
                throw new IllegalArgumentException("indefinite");
            }
            if (off + len > d.length) {
                throw new IllegalArgumentException("short");
            }
            return new int[] {off, len};
        }

        private static byte[] tlv(int tag, byte[] content) {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            o.write(tag);
            int n = content.length;
            if (n < 0x80) {
                o.write(n);
            } else if (n < 0x100) {
                o.write(0x81);
                o.write(n);
            } else if (n < 0x10000) {
                o.write(0x82);
                o.write(n >> 8);
                o.write(n);
            } else {
                o.write(0x83);
                o.write(n >> 16);
                o.write(n >> 8);
                o.write(n);
            }
            o.writeBytes(content);
            return o.toByteArray();
        }
    }
}
