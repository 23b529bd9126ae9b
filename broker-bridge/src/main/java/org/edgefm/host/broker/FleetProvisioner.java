package org.edgefm.host.broker;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.edgefm.api.Check;
import org.edgefm.api.EdgeFmException;

/**
 * {@code ./edgefm fleet provision}: a fleet CA (new, or one given) and, signed by it, the broker's
 * server certificate and one client certificate per node (CN = node id), each with a config bundle.
 * Keys are EC P-256 made by the JDK's {@code keytool}; every private key sits in a PKCS#12 file whose
 * random password is in {@code FILE.password}, both owner-only (0600); certificates are 0644.
 * <pre>
 * OUT/ca/ca.p12 (+ .password), ca.pem           the fleet CA (keep ca.p12 offline)
 * OUT/broker/broker.p12 (+ .password), host.json  the embedded broker's TLS key; host settings
 * OUT/nodes/NODE/NODE.p12 (+ .password), ca.pem, agent.json   one bundle per device
 * </pre>
 */
public final class FleetProvisioner {
    /**
     * What to make.
     *
     * @param fleet       the fleet name
     * @param nodes       node ids
     * @param out         output folder
     * @param ca          an existing CA folder ({@code ca.p12}, its {@code .password}, {@code ca.pem}), or null for a new one
     * @param brokerNames DNS names and IP addresses agents use to reach the broker (server certificate SAN)
     * @param brokerUrl   the broker URL written into each agent's configuration
     * @param deviceDir   where the bundle will live on the device (absolute paths in agent.json)
     * @param days        validity of the certificates
     */
    public record Request(String fleet, List<String> nodes, Path out, Path ca, List<String> brokerNames, String brokerUrl,
            Path deviceDir, int days) {
        /** Validates the fields. */
        public Request {
            Check.id(fleet, "fleet");
            Check.notEmpty(nodes, "nodes");
            for (String n : nodes) {
                Check.nodeId(n, "nodes");
                if (n.equals(Credentials.DEFAULT_HOST_USER) || n.equals(BrokerPolicy.MONITOR_USER)) {
                    throw new EdgeFmException("--nodes: '" + n + "' is a reserved account name");
                }
            }
            if (days < 1 || days > 3650) {
                throw new EdgeFmException("--days: " + days + " (expected: 1 to 3650)");
            }
        }
    }

    private final Request req;
    private final Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");

    /** A provisioner for one request. */
    public FleetProvisioner(Request req) {
        this.req = req;
    }

    /** Makes everything; returns the files written, in order. */
    public List<Path> run() throws IOException {
        List<Path> written = new ArrayList<>();
        Path caDir = req.ca() != null ? req.ca() : req.out().resolve("ca");
        Path caP12 = caDir.resolve("ca.p12");
        Path caPem = caDir.resolve("ca.pem");
        if (req.ca() == null) {
            if (Files.exists(caP12)) {
                throw new EdgeFmException("--out " + req.out() + ": holds a CA already (give it with --ca " + caDir
                        + " to add nodes, or choose a new folder)");
            }
            ownerOnlyDir(caDir);
            String pw = secret(caP12);
            keytool(pw, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg",
                    "SHA256withECDSA", "-dname", "CN=edgefm " + req.fleet() + " fleet CA", "-ext", "bc:c=ca:true",
                    "-ext", "ku:c=keyCertSign,cRLSign", "-validity", Integer.toString(Math.max(req.days(), 3650)),
                    "-storetype", "PKCS12", "-keystore", caP12.toString(), "-storepass:env", "EDGEFM_PW", "-keypass:env",
                    "EDGEFM_PW");
            ownerOnly(caP12);
            keytool(pw, "-exportcert", "-rfc", "-alias", "ca", "-keystore", caP12.toString(), "-storepass:env", "EDGEFM_PW",
                    "-file", caPem.toString());
            written.add(caP12);
            written.add(caPem);
        } else if (!Files.isReadable(caP12) || !Files.isReadable(caPem) || !Files.isReadable(password(caP12))) {
            throw new EdgeFmException("--ca " + caDir + ": expected ca.p12, ca.p12.password and ca.pem there");
        }
        String caPw = Files.readString(password(caP12)).strip();

        Path brokerDir = req.out().resolve("broker");
        ownerOnlyDir(brokerDir);
        List<String> san = new ArrayList<>();
        for (String n : req.brokerNames()) {
            san.add((n.matches("[0-9.]+") || n.contains(":") ? "ip:" : "dns:") + n);
        }
        Path brokerP12 = leaf(brokerDir, "broker", caP12, caPw, caPem, "serverAuth", String.join(",", san));
        written.add(brokerP12);
        Path hostJson = brokerDir.resolve("host.json");
        Files.writeString(hostJson, "{\n  \"fleet\": \"" + req.fleet() + "\",\n  \"brokerPort\": 0,\n  \"tlsPort\": 8883,\n"
                + "  \"brokerBind\": \"0.0.0.0\",\n  \"keystore\": \"" + json(brokerP12.toAbsolutePath().toString()) + "\",\n"
                + "  \"clientCa\": \"" + json(caPem.toAbsolutePath().toString()) + "\"\n}\n");
        written.add(hostJson);

        for (String node : req.nodes()) {
            Path dir = req.out().resolve("nodes").resolve(node);
            ownerOnlyDir(dir);
            Path p12 = leaf(dir, node, caP12, caPw, caPem, "clientAuth", null);
            Files.copy(caPem, dir.resolve("ca.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Path dev = req.deviceDir();
            Map<String, String> cfg = new LinkedHashMap<>();
            cfg.put("fleet", req.fleet());
            cfg.put("nodeId", node);
            cfg.put("broker", req.brokerUrl());
            cfg.put("tlsCaFile", dev.resolve("ca.pem").toString());
            cfg.put("tlsKeystore", dev.resolve(node + ".p12").toString());
            StringBuilder j = new StringBuilder("{\n");
            cfg.forEach((k, v) -> j.append("  \"").append(k).append("\": \"").append(json(v)).append("\",\n"));
            j.setLength(j.length() - 2);
            Path agentJson = dir.resolve("agent.json");
            Files.writeString(agentJson, j.append("\n}\n").toString());
            written.add(p12);
            written.add(agentJson);
        }
        return written;
    }

    /** A key pair with CN {@code name} in {@code dir/name.p12}, signed by the CA, the CA certificate in its chain. */
    private Path leaf(Path dir, String name, Path caP12, String caPw, Path caPem, String eku, String san) throws IOException {
        Path p12 = dir.resolve(name + ".p12");
        Files.deleteIfExists(p12);
        String pw = secret(p12);
        String days = Integer.toString(req.days());
        keytool(pw, "-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
                "-dname", "CN=" + name, "-validity", days, "-storetype", "PKCS12", "-keystore", p12.toString(),
                "-storepass:env", "EDGEFM_PW", "-keypass:env", "EDGEFM_PW");
        ownerOnly(p12);
        Path csr = dir.resolve(name + ".csr");
        Path crt = dir.resolve(name + ".crt");
        keytool(pw, "-certreq", "-alias", name, "-keystore", p12.toString(), "-storepass:env", "EDGEFM_PW", "-file", csr.toString());
        List<String> sign = new ArrayList<>(List.of("-gencert", "-alias", "ca", "-keystore", caP12.toString(), "-storepass:env",
                "EDGEFM_PW", "-infile", csr.toString(), "-outfile", crt.toString(), "-rfc", "-validity", days,
                "-sigalg", "SHA256withECDSA", "-ext", "ku:c=digitalSignature", "-ext", "eku=" + eku));
        if (san != null && !san.isEmpty()) {
            sign.add("-ext");
            sign.add("san=" + san);
        }
        keytool(caPw, sign.toArray(String[]::new));
        keytool(pw, "-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore", p12.toString(),
                "-storepass:env", "EDGEFM_PW");
        keytool(pw, "-importcert", "-noprompt", "-alias", name, "-file", crt.toString(), "-keystore", p12.toString(),
                "-storepass:env", "EDGEFM_PW");
        Files.delete(csr);
        Files.move(crt, dir.resolve(name + ".pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return p12;
    }

    private void keytool(String password, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(keytool.toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("EDGEFM_PW", password); // never on the command line
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new EdgeFmException("keytool " + args[0] + " failed: " + out.strip().replace('\n', ' '));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EdgeFmException("keytool " + args[0] + ": interrupted");
        }
    }

    /** A new random password for {@code keystore}, written owner-only to {@code keystore.password}. */
    private static String secret(Path keystore) throws IOException {
        byte[] r = new byte[24];
        new SecureRandom().nextBytes(r);
        String pw = Base64.getUrlEncoder().withoutPadding().encodeToString(r);
        Credentials.writeOwnerOnly(password(keystore), List.of(pw));
        return pw;
    }

    /** The password file of a keystore: {@code FILE.password}. */
    public static Path password(Path keystore) {
        return Path.of(keystore + ".password");
    }

    private static void ownerOnly(Path f) throws IOException {
        try {
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // non-POSIX file system
        }
    }

    private static void ownerOnlyDir(Path d) throws IOException {
        Files.createDirectories(d);
        try {
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException notPosix) {
            // non-POSIX file system
        }
    }

    private static String json(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** The default broker names: localhost, 127.0.0.1 and this machine's name. */
    public static List<String> defaultBrokerNames() {
        List<String> n = new ArrayList<>(List.of("localhost", "127.0.0.1"));
        try {
            String h = InetAddress.getLocalHost().getHostName();
            if (!n.contains(h) && h.matches("[A-Za-z0-9.-]+")) {
                n.add(h);
            }
        } catch (IOException e) {
            // no name: loopback only
        }
        return n;
    }
}
