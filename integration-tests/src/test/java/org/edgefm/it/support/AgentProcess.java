package org.edgefm.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real agent in its own JVM (the test classpath, main class {@code org.edgefm.agent.AgentMain}),
 * so that {@code kill -9} and a restart are real. Output goes to {@code NODE.log} in the folder.
 * A command prefix (e.g. {@code ip netns exec NS}) runs it inside another network namespace.
 */
public final class AgentProcess implements AutoCloseable {
    private final String nodeId;
    private final List<String> command;
    private final Path log;
    private Process process;
    private long startedNanos;

    /** An agent with the given configuration file, data folder {@code DIR/data-NODE} and broker. */
    public AgentProcess(String nodeId, Path config, Path dir, String brokerUrl) {
        this(nodeId, config, dir, brokerUrl, List.of());
    }

    /** As above, started through {@code prefix} (empty for none). */
    public AgentProcess(String nodeId, Path config, Path dir, String brokerUrl, List<String> prefix) {
        this.nodeId = nodeId;
        this.log = dir.resolve(nodeId + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        this.command = new ArrayList<>(prefix);
        command.addAll(List.of(java, "-Xmx512m", "-XX:+UseSerialGC",
                "-Dslf4j.provider=org.slf4j.simple.SimpleServiceProvider",
                "-cp", System.getProperty("java.class.path"), "org.edgefm.agent.AgentMain",
                "--config", config.toString(), "--broker", brokerUrl, "--node-id", nodeId,
                "--data-dir", dir.resolve("data-" + nodeId).toString()));
    }

    /** Starts (or starts again) the process. */
    public AgentProcess start() throws IOException {
        startedNanos = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putIfAbsent("OMP_WAIT_POLICY", "PASSIVE"); // as ./edgefm and the systemd unit set it
        process = pb.start();
        return this;
    }

    /** {@link System#nanoTime()} at the last start. */
    public long startedNanos() {
        return startedNanos;
    }

    /** True while the process runs. */
    public boolean alive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: no death of its own, the broker publishes the Will. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM: a clean stop; returns the exit code. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        return process.exitValue();
    }

    /** Everything the agent wrote so far. */
    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** The node id. */
    public String nodeId() {
        return nodeId;
    }

    @Override
    public void close() throws InterruptedException {
        if (alive()) {
            kill9();
        }
    }
}
