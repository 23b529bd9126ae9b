package org.edgefm.it.host;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.edgefm.host.broker.Credentials;
import org.edgefm.host.HostConfig;
import org.edgefm.host.PlannerHost;
import org.edgefm.it.MosquittoBroker;
import org.edgefm.it.support.Figures;

/**
 * A real planner host for a test: a temporary data folder, a credentials file with passwords
 * generated here for the scenario's nodes, free ports, and an HTTP client for its API.
 */
final class HostHarness implements AutoCloseable {
    static final String FLEET = "it";
    /** Node ids of the built-in "example" scenario. */
    static final String[] NODES = {"orin-nano", "orin-nx", "agx-orin", "edge-l4"};

    final Path dir;
    final Map<String, String> passwords = new LinkedHashMap<>();
    final int brokerPort;
    final Path credentials;
    final HttpClient http = HttpClient.newHttpClient();
    PlannerHost host;
    /** Debian's Mosquitto with the shipped configuration, or null on the embedded broker. */
    MosquittoBroker mosquitto;

    HostHarness(Path dir) throws IOException {
        this.dir = dir;
        this.brokerPort = MosquittoBroker.freePort();
        SecureRandom r = new SecureRandom();
        Map<String, char[]> pw = new LinkedHashMap<>();
        for (String n : NODES) {
            byte[] b = new byte[12];
            r.nextBytes(b);
            passwords.put(n, HexFormat.of().formatHex(b));
            pw.put(n, passwords.get(n).toCharArray());
        }
        credentials = dir.resolve("credentials");
        Credentials.write(credentials, pw);
    }

    String url() {
        return mosquitto != null ? mosquitto.url() : "tcp://127.0.0.1:" + brokerPort;
    }

    /**
     * Starts Debian's Mosquitto with the files the project ships ({@code MosquittoFiles}: settings and
     * the fleet's ACL) and a password file of the same accounts plus the host's, then a host on it
     * ({@code brokerUrl}); {@code planner} may be null.
     */
    PlannerHost startOnMosquitto(String planner, Map<String, Object> extra) throws IOException, InterruptedException {
        MosquittoBroker.assumeInstalled();
        Path passwd = dir.resolve("passwd");
        java.nio.file.Files.deleteIfExists(passwd);
        java.nio.file.Files.createFile(passwd);
        Map<String, String> all = new LinkedHashMap<>(passwords);
        String hostPassword = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
        all.put("edgefm-host", hostPassword);
        for (Map.Entry<String, String> e : all.entrySet()) {
            Process p = new ProcessBuilder("mosquitto_passwd", "-b", passwd.toString(), e.getKey(), e.getValue())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("mosquitto_passwd: " + out);
            }
        }
        Path acl = java.nio.file.Files.writeString(dir.resolve("edgefm.acl"), org.edgefm.host.broker.MosquittoFiles.acl(FLEET));
        // Mosquitto started as root drops to its own user: let it traverse and read the test's files
        java.nio.file.Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        for (Path f : new Path[] {passwd, acl}) {
            java.nio.file.Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        }
        mosquitto = MosquittoBroker.start(java.nio.file.Files.createDirectories(dir.resolve("mosquitto")),
                java.util.List.of(org.edgefm.host.broker.MosquittoFiles.conf(passwd, acl).split("\n")));
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("brokerUrl", mosquitto.url());
        o.put("hostUser", "edgefm-host");
        o.put("hostPassword", hostPassword);
        o.putAll(extra);
        return start(planner, o);
    }

    /** Starts a host on the embedded broker; {@code planner} may be null. */
    PlannerHost start(String planner, Map<String, Object> extra) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("fleet", FLEET);
        if (!extra.containsKey("brokerUrl")) {
            o.put("brokerPort", brokerPort);
            o.put("credentialsFile", credentials.toString());
        }
        o.put("httpPort", 0);
        o.put("dataDir", dir.resolve("data").toString());
        o.put("pluginsDir", dir.resolve("plugins").toString());
        o.put("scenario", "example");
        o.put("slotMs", 200);
        if (planner != null) {
            o.put("planner", planner);
        }
        o.putAll(extra);
        host = new PlannerHost(HostConfig.defaults().with(o), HostHarness.class.getClassLoader()).start();
        return host;
    }

    FakeAgent agent(String node) throws Exception {
        return new FakeAgent(url(), FLEET, node, passwords.get(node));
    }

    String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + host.httpPort() + path))
                .header("Authorization", "Bearer " + host.httpToken().token()).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(path + ": HTTP " + r.statusCode());
        }
        return r.body();
    }

    /** The sum of a Prometheus metric's samples whose labels contain every given {@code key="value"}. */
    double metric(String name, String... labels) throws IOException, InterruptedException {
        return Figures.metric(get("/metrics"), name, labels);
    }

    void stopHost() {
        if (host != null) {
            host.close();
            host = null;
        }
    }

    @Override
    public void close() {
        stopHost();
        if (mosquitto != null) {
            mosquitto.close();
        }
    }
}
