package org.edgefm.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Debian Mosquitto broker for a test: started on a free loopback port with a generated
 * configuration in a temporary folder, stopped (or killed, or restarted on the same port) by the
 * test. Tests call {@link #assumeInstalled()} first, so a machine without Mosquitto reports them
 * as skipped with the reason and the install command.
 */
public final class MosquittoBroker implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final List<String> extraConfig;
    private Process process;

    private MosquittoBroker(Path dir, int port, List<String> extraConfig) {
        this.dir = dir;
        this.port = port;
        this.extraConfig = extraConfig;
    }

    /** The mosquitto binary, if installed (it lives in /usr/sbin on Debian, which may not be on PATH). */
    public static Optional<Path> binary() {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(":")) {
                candidates.add(Path.of(d, "mosquitto"));
            }
        }
        candidates.add(Path.of("/usr/sbin/mosquitto"));
        candidates.add(Path.of("/usr/local/sbin/mosquitto"));
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    /** Skips the calling test, with the reason, when Mosquitto is not installed. */
    public static void assumeInstalled() {
        Assumptions.assumeTrue(binary().isPresent(),
                "mosquitto is not installed (Debian: apt-get install mosquitto mosquitto-clients); test skipped");
    }

    /** Starts an anonymous broker on a free loopback port. */
    public static MosquittoBroker start(Path dir) throws IOException {
        return start(dir, List.of("allow_anonymous true"));
    }

    /**
     * Starts a broker with extra configuration lines (e.g. {@code password_file}, {@code acl_file});
     * the listener, persistence and logging lines are written here.
     */
    public static MosquittoBroker start(Path dir, List<String> extraConfig) throws IOException {
        MosquittoBroker b = new MosquittoBroker(dir, freePort(), List.copyOf(extraConfig));
        b.launch();
        return b;
    }

    /** A free TCP port on the loopback interface. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** {@code tcp://127.0.0.1:PORT}. */
    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** The listening port. */
    public int port() {
        return port;
    }

    /** The folder with the configuration and the broker's log. */
    public Path dir() {
        return dir;
    }

    private void launch() throws IOException {
        Path conf = dir.resolve("mosquitto.conf");
        List<String> lines = new ArrayList<>(List.of(
                "listener " + port + " 127.0.0.1",
                "persistence false",
                "log_dest file " + dir.resolve("mosquitto.log"),
                "log_type error",
                "log_type warning",
                "log_type notice"));
        lines.addAll(extraConfig);
        Files.write(conf, lines);
        Path bin = binary().orElseThrow(() -> new IllegalStateException("mosquitto is not installed"));
        process = new ProcessBuilder(bin.toString(), "-c", conf.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("mosquitto.out").toFile())
                .start();
        awaitListening(Duration.ofSeconds(10));
    }

    private void awaitListening(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("mosquitto exited with " + process.exitValue() + "; see " + dir.resolve("mosquitto.out"));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                sleep(50);
            }
        }
        throw new IOException("mosquitto did not listen on port " + port + " within " + timeout);
    }

    /** Stops the broker gracefully (SIGTERM). */
    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            waitFor();
        }
    }

    /** Kills the broker (SIGKILL), as a crash. */
    public void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            waitFor();
        }
    }

    /** Starts the broker again on the same port with the same configuration. */
    public void restart() throws IOException {
        stop();
        launch();
    }

    private void waitFor() {
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        kill();
    }
}
