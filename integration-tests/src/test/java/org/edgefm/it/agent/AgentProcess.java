package org.edgefm.it.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real agent in its own JVM (the test classpath, main class {@code org.edgefm.agent.AgentMain}),
 * so that {@code kill -9} and a restart are real. Output goes to {@code NODE.log} in the folder.
 */
final class AgentProcess implements AutoCloseable {
    private final String nodeId;
    private final List<String> command;
    private final Path log;
    private Process process;
    private long startedNanos;

    AgentProcess(String nodeId, Path config, Path dir, String brokerUrl) {
        this.nodeId = nodeId;
        this.log = dir.resolve(nodeId + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        this.command = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:+UseSerialGC",
                "-Dslf4j.provider=org.slf4j.simple.SimpleServiceProvider",
                "-cp", System.getProperty("java.class.path"), "org.edgefm.agent.AgentMain",
                "--config", config.toString(), "--broker", brokerUrl, "--node-id", nodeId,
                "--data-dir", dir.resolve("data-" + nodeId).toString()));
    }

    AgentProcess start() throws IOException {
        startedNanos = System.nanoTime();
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return this;
    }

    long startedNanos() {
        return startedNanos;
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: no death of its own, the broker publishes the Will. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM: a clean stop. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        return process.exitValue();
    }

    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    String nodeId() {
        return nodeId;
    }

    @Override
    public void close() throws InterruptedException {
        if (alive()) {
            kill9();
        }
    }
}
