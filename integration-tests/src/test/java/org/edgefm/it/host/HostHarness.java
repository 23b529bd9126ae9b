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
        return "tcp://127.0.0.1:" + brokerPort;
    }

    /** Starts a host on the embedded broker; {@code planner} may be null. */
    PlannerHost start(String planner, Map<String, Object> extra) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("fleet", FLEET);
        o.put("brokerPort", brokerPort);
        o.put("credentialsFile", credentials.toString());
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
    }
}
