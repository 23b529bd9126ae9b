package org.edgefm.host;

import org.edgefm.host.http.HttpGuard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.edgefm.api.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secure defaults of a real host: no open broker beyond loopback, the HTTP API behind a bearer token
 * (0600 token file) and a Host header check, GET only.
 */
@Timeout(90)
class HostSecureDefaultsTest {
    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> send(PlannerHost host, String method, String path, String token, String hostHeader)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + host.httpPort() + path))
                .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (hostHeader == null) {
            return r;
        }
        // java.net.http refuses to set Host: speak HTTP/1.1 over a socket for that case
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", host.httpPort())) {
            s.getOutputStream().write((method + " " + path + " HTTP/1.1\r\nHost: " + hostHeader + "\r\n"
                    + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "Connection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String status = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII)
                    .lines().findFirst().orElse("");
            return new StatusOnly(Integer.parseInt(status.split(" ")[1]), r);
        }
    }

    private record StatusOnly(int statusCode, HttpResponse<String> base) implements HttpResponse<String> {
        public HttpRequest request() {
            return base.request();
        }

        public java.util.Optional<HttpResponse<String>> previousResponse() {
            return java.util.Optional.empty();
        }

        public java.net.http.HttpHeaders headers() {
            return base.headers();
        }

        public String body() {
            return "";
        }

        public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
            return java.util.Optional.empty();
        }

        public URI uri() {
            return base.uri();
        }

        public HttpClient.Version version() {
            return base.version();
        }
    }

    private HostConfig config(Map<String, Object> extra) throws Exception {
        Map<String, Object> o = new java.util.HashMap<>(Map.of("brokerPort", TestClients.freePort(), "httpPort", 0,
                "dataDir", dir.resolve("data").toString(), "pluginsDir", dir.resolve("plugins").toString(), "fleet", "t"));
        o.putAll(extra);
        return HostConfig.defaults().with(o);
    }

    @Test
    void openBroker_onANonLoopbackAddress_isRefused_unlessInsecure() throws Exception {
        assertThatThrownBy(() -> new PlannerHost(config(Map.of("brokerBind", "0.0.0.0")), getClass().getClassLoader()).start())
                .isInstanceOf(ConfigException.class).hasMessageContaining("brokerBind: 0.0.0.0 is not a loopback address")
                .hasMessageContaining("insecure=true");
        try (PlannerHost h = new PlannerHost(config(Map.of("brokerBind", "0.0.0.0", "insecure", "true", "httpPort", -1)),
                getClass().getClassLoader()).start()) {
            assertThat(h.broker()).isNotNull();
        }
    }

    @Test
    void httpApi_needsTheToken_checksHost_andIsReadOnly() throws Exception {
        try (PlannerHost host = new PlannerHost(config(Map.of()), getClass().getClassLoader()).start()) {
            Path tokenFile = dir.resolve("data/http-token");
            assertThat(host.httpToken().created()).isTrue();
            assertThat(Files.readString(tokenFile).strip()).isEqualTo(host.httpToken().token());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
            String token = host.httpToken().token();

            assertThat(send(host, "GET", "/health", null, null).statusCode()).isEqualTo(200);
            for (String path : List.of("/api/fleet", "/api/nodes", "/api/journal", "/metrics", "/")) {
                HttpResponse<String> r = send(host, "GET", path, null, null);
                assertThat(r.statusCode()).as(path).isEqualTo(401);
                assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
                assertThat(send(host, "GET", path, token + "x", null).statusCode()).as(path).isEqualTo(401);
                assertThat(send(host, "GET", path, token, null).statusCode()).as(path).isEqualTo(200);
            }
            // DNS rebinding: a foreign name in Host is refused even with the token; IP literals and localhost pass
            assertThat(send(host, "GET", "/api/fleet", token, "attacker.example:" + host.httpPort()).statusCode()).isEqualTo(421);
            assertThat(send(host, "GET", "/health", null, "attacker.example").statusCode()).isEqualTo(421);
            assertThat(send(host, "GET", "/api/fleet", token, "localhost:" + host.httpPort()).statusCode()).isEqualTo(200);
            assertThat(send(host, "GET", "/api/fleet", token, "127.0.0.1").statusCode()).isEqualTo(200);
            assertThat(host.httpGuardRefusals()).containsEntry("host", 2L);
            // read-only: no other method does anything
            for (String m : List.of("POST", "PUT", "DELETE", "PATCH")) {
                assertThat(send(host, m, "/api/directives", token, null).statusCode()).as(m).isIn(404, 405);
            }
            // the dashboard's login sets an HttpOnly, SameSite=Strict cookie that then opens the API
            HttpResponse<String> login = send(host, "GET", "/login?token=" + token, null, null);
            assertThat(login.statusCode()).isEqualTo(303);
            String cookie = login.headers().firstValue("set-cookie").orElseThrow();
            assertThat(cookie).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict");
            HttpResponse<String> withCookie = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + host.httpPort()
                    + "/api/fleet")).header("Cookie", cookie.split(";")[0]).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(withCookie.statusCode()).isEqualTo(200);
            assertThat(send(host, "GET", "/login?token=wrong", null, null).statusCode()).isEqualTo(401);
        }
        // a second run reads the same token
        try (PlannerHost again = new PlannerHost(config(Map.of()), getClass().getClassLoader()).start()) {
            assertThat(again.httpToken().created()).isFalse();
        }
    }

    @Test
    void hostHeader_rules() {
        HttpGuard g = new HttpGuard("t".repeat(20), "127.0.0.1", List.of("edge-host.lan"));
        assertThat(g.hostAllowed("127.0.0.1:8080")).isTrue();
        assertThat(g.hostAllowed("[::1]:8080")).isTrue();
        assertThat(g.hostAllowed("localhost")).isTrue();
        assertThat(g.hostAllowed("EDGE-HOST.lan:80")).isTrue();
        assertThat(g.hostAllowed("rebind.attacker.example")).isFalse();
        assertThat(g.hostAllowed("127.0.0.1.attacker.example")).isFalse();
        assertThat(g.hostAllowed("localhost:80x")).isFalse();
        assertThat(g.hostAllowed("")).isFalse();
        assertThat(g.hostAllowed(null)).isFalse();
    }
}
