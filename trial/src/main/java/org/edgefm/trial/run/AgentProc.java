package org.edgefm.trial.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.edgefm.agent.AgentConfig;
import org.edgefm.api.model.NodeSpec;

/** One agent process: {@code java -cp <this class path> AGENT-MAIN... --config ...}. */
final class AgentProc {
    final String node;
    final Process process;
    final Path log;

    private AgentProc(String node, Process process, Path log) {
        this.node = node;
        this.process = process;
        this.log = log;
    }

    static AgentProc start(List<String> agentMain, NodeSpec n, String brokerUrl, String password, String fleet, String scenario, Path work,
            Path models, AgentConfig.Impairment impairment, Path log) throws IOException {
        // in the trial's own folder (owner only): it holds the agent's password when it has one
        Path config = work.resolve(n.id() + ".json");
        String account = password == null ? "" : ", \"username\": " + json(n.id()) + ", \"password\": " + json(password);
        Files.writeString(config, "{\"telemetryPeriodMs\": 1000, \"impairment\": " + new ObjectMapper()
                .writeValueAsString(impairment) + ", \"scenario\": " + json(scenario) + ", \"modelDir\": "
                + json(models.toAbsolutePath().toString()) + account + "}");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-Xss1m", "-cp",
                System.getProperty("java.class.path")));
        cmd.addAll(agentMain);
        cmd.addAll(List.of("--config", config.toString(),
                "--broker", brokerUrl, "--node-id", n.id(), "--fleet", fleet, "--data-dir",
                work.resolve("agent-" + n.id()).toString(), "--http-port", "0"));
        if (n.profile() != null) {
            cmd.add("--profile");
            cmd.add(n.profile());
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putIfAbsent("OMP_WAIT_POLICY", "PASSIVE"); // as ./edgefm sets it: agent/README.md, "Kernel threads"
        return new AgentProc(n.id(), pb.start(), log);
    }

    /** A JSON string literal. */
    private static String json(String v) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : v.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    /** SIGTERM: the agent publishes its death and exits. */
    void terminate() {
        if (process.isAlive()) {
            process.destroy();
        }
    }

    void awaitExit(PrintWriter err) throws InterruptedException {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            err.println("agent " + node + " did not stop within 20 s of SIGTERM; killed");
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
