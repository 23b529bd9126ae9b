package org.edgefm.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's headless Chromium for a test, driven over the Chrome DevTools Protocol: started with
 * {@code --remote-debugging-port=0} and a temporary profile, its port read from the profile's
 * {@code DevToolsActivePort} file, one page target spoken to over a {@link WebSocket}. Tests call
 * {@link #assumeInstalled()} first, so a machine without Chromium reports them as skipped with the
 * reason and the install command.
 */
public final class Chromium implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<Long, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final WebSocket page;

    private Chromium(Process process, int port) throws IOException, InterruptedException {
        this.process = process;
        this.page = connect(port);
    }

    /** The chromium binary, if installed ({@code chromium} on Debian, {@code chromium-browser} elsewhere). */
    public static Optional<Path> binary() {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(":")) {
                candidates.add(Path.of(d, "chromium"));
                candidates.add(Path.of(d, "chromium-browser"));
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    /** Skips the calling test, with the reason, when Chromium is not installed. */
    public static void assumeInstalled() {
        Assumptions.assumeTrue(binary().isPresent(),
                "chromium is not installed (Debian: apt-get install chromium; .ci/run installs it); "
                        + "the dashboard browser test is skipped");
    }

    /**
     * Starts headless Chromium on {@code about:blank} with its profile, DevTools port file and log
     * in {@code dir}. Chromium's sandbox refuses to run as root, so {@code --no-sandbox} is passed
     * then, and only then.
     */
    public static Chromium start(Path dir) throws IOException, InterruptedException {
        Path exe = binary().orElseThrow(() -> new IllegalStateException("chromium is not installed"));
        Path profile = Files.createDirectories(dir.resolve("chromium-profile"));
        List<String> cmd = new ArrayList<>(List.of(exe.toString(), "--headless", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
                "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                "--user-data-dir=" + profile));
        if (isRoot()) {
            cmd.add("--no-sandbox");
        }
        cmd.add("about:blank");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("chromium.log").toFile());
        pb.environment().put("TMPDIR", Files.createDirectories(dir.resolve("tmp")).toString()); // its singleton socket
        Process p = pb.start();
        try {
            return new Chromium(p, awaitPort(p, profile.resolve("DevToolsActivePort"), dir.resolve("chromium.log")));
        } catch (IOException | RuntimeException | InterruptedException e) {
            p.destroyForcibly();
            throw e;
        }
    }

    private static boolean isRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** Waits for Chromium to write its DevTools port (first line of the file). */
    private static int awaitPort(Process p, Path portFile, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("chromium exited with " + p.exitValue() + " before listening; log: "
                        + Files.readString(log).strip());
            }
            if (Files.exists(portFile)) {
                List<String> lines = Files.readAllLines(portFile);
                if (!lines.isEmpty() && !lines.get(0).isBlank()) {
                    return Integer.parseInt(lines.get(0).strip());
                }
            }
            Thread.sleep(100);
        }
        throw new IOException("chromium did not write " + portFile + " within " + START_TIMEOUT.toSeconds() + " s");
    }

    private WebSocket connect(int port) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                .timeout(CALL_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
        String wsUrl = new JsonArray(r.body()).stream().map(JsonObject.class::cast)
                .filter(t -> "page".equals(t.getString("type"))).findFirst()
                .map(t -> t.getString("webSocketDebuggerUrl"))
                .orElseThrow(() -> new IOException("chromium lists no page target: " + r.body()));
        return http.newWebSocketBuilder().connectTimeout(CALL_TIMEOUT)
                .buildAsync(URI.create(wsUrl), new Listener()).join();
    }

    /** Sends one DevTools command to the page and returns its {@code result} (an error becomes an exception). */
    public JsonObject call(String method, JsonObject params) {
        long id = ids.incrementAndGet();
        CompletableFuture<JsonObject> f = new CompletableFuture<>();
        pending.put(id, f);
        page.sendText(new JsonObject().put("id", id).put("method", method).put("params", params).encode(), true).join();
        JsonObject reply = f.orTimeout(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
        if (reply.containsKey("error")) {
            throw new IllegalStateException(method + ": " + reply.getJsonObject("error").encode());
        }
        return reply.getJsonObject("result");
    }

    /** Loads {@code url} in the page. */
    public void navigate(String url) {
        JsonObject r = call("Page.navigate", new JsonObject().put("url", url));
        if (r.containsKey("errorText")) {
            throw new IllegalStateException("navigate " + url + ": " + r.getString("errorText"));
        }
    }

    /**
     * Evaluates a JavaScript expression in the page and returns its value as JSON text (the
     * expression is wrapped in {@code JSON.stringify}); a thrown exception becomes an exception here.
     */
    public String evaluate(String expression) {
        JsonObject r = call("Runtime.evaluate", new JsonObject()
                .put("expression", "JSON.stringify(" + expression + ")").put("returnByValue", true));
        if (r.containsKey("exceptionDetails")) {
            throw new IllegalStateException("evaluate " + expression + ": " + r.getJsonObject("exceptionDetails").encode());
        }
        return r.getJsonObject("result").getString("value");
    }

    @Override
    public void close() {
        page.abort();
        // chromium's zygote and renderers are its children: kill those it leaves behind too
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /** Collects text frames into messages and completes the pending call each reply names. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                JsonObject m = new JsonObject(partial.toString());
                partial.setLength(0);
                Long id = m.getLong("id");
                if (id != null) {
                    CompletableFuture<JsonObject> f = pending.remove(id);
                    if (f != null) {
                        f.complete(m);
                    }
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            pending.values().forEach(f -> f.completeExceptionally(error));
        }
    }
}
