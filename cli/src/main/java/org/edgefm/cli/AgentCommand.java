package org.edgefm.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.edgefm.agent.Agent;
import org.edgefm.agent.AgentConfig;
import org.edgefm.agent.AgentInstallCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code edgefm agent [flags]} runs the device agent; {@code edgefm agent install} installs it as a service. */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Run the device agent until stopped (SIGTERM or Ctrl-C publish its death). Flags override the config file.",
        subcommands = {AgentCommand.Install.class})
final class AgentCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "Agent configuration (JSON; see agent/README.md).")
    Path config;
    @Option(names = "--broker", paramLabel = "URL", description = "MQTT broker, tcp://HOST:PORT or ssl://HOST:PORT (default tcp://127.0.0.1:1883).")
    String broker;
    @Option(names = "--node-id", paramLabel = "ID", description = "This node's id (default: the host name).")
    String nodeId;
    @Option(names = "--fleet", paramLabel = "NAME", description = "Fleet name (default: default).")
    String fleet;
    @Option(names = "--profile", paramLabel = "NAME", description = "Device profile (default: detected; see 'edgefm profiles').")
    String profile;
    @Option(names = "--data-dir", paramLabel = "DIR", description = "State folder (default: ~/.edgefm/agent/NODE).")
    String dataDir;
    @Option(names = "--http-port", paramLabel = "N", description = "Task and peer HTTP port (default: any free port).")
    Integer httpPort;
    @Option(names = "--bind", paramLabel = "ADDR", description = "Address the task and peer HTTP server listens on"
            + " (config key httpHost; default 127.0.0.1: only this machine; 0.0.0.0 or an interface address for peers and"
            + " a workload on other machines).")
    String bind;
    @Option(names = "--advertise", paramLabel = "HOST", description = "Host name or address peers and the workload use"
            + " to reach this agent, announced in its birth (config key advertiseHost; default: the --bind address).")
    String advertise;
    @Option(names = "--label", paramLabel = "LABEL", description = "A label announced in the birth (repeatable, as"
            + " --label camera); a scenario's stream may name it as its origin (config key labels).")
    List<String> labels;
    @Option(names = "--scenario", paramLabel = "FILE|NAME", description = "Scenario whose task types this agent accepts"
            + " (config key scenario).")
    String scenario;

    static AgentConfig config(Path file, String broker, String nodeId, String fleet, String profile, String dataDir, Integer port) {
        AgentConfig base = file == null ? AgentConfig.defaults() : AgentConfig.load(file);
        return base.withOverrides(broker, nodeId, fleet, profile, dataDir, port);
    }

    @Override
    public Integer call() throws InterruptedException {
        AgentConfig c = config(config, broker, nodeId, fleet, profile, dataDir, httpPort).withNetwork(bind, advertise,
                labels, scenario);
        if (isWildcard(c.advertiseHost())) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--advertise: needed with --bind " + c.httpHost()
                    + " (peers and the workload cannot reach a wildcard address; give this machine's name or address)");
        }
        Agent.runUntilShutdown(c);
        return 0;
    }

    /** True for an address that means "every interface" and cannot be connected to from elsewhere. */
    static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * {@code edgefm agent install ...}: the release's {@code edgefm-agent install} (same flags,
     * {@link AgentInstallCommand}); from a source tree it installs the jar the build made,
     * {@code dist/agent/target/edgefm-agent.jar}.
     */
    @Command(name = "install", description = "Install the agent as the systemd service edgefm-agent, or stage it under --root."
            + " Same flags as the release's 'edgefm-agent install' (--help lists them).")
    static final class Install implements Callable<Integer> {
        @CommandLine.Unmatched
        List<String> args = new ArrayList<>();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintStream out = new PrintStream(new WriterOutputStream(spec.commandLine().getOut()), true, StandardCharsets.UTF_8);
            PrintStream err = new PrintStream(new WriterOutputStream(spec.commandLine().getErr()), true, StandardCharsets.UTF_8);
            int rc = AgentInstallCommand.run(args, out, err, builtJar());
            out.flush();
            err.flush();
            return rc;
        }

        /** The agent jar of a source tree's build, or null. */
        static Path builtJar() {
            for (String base : new String[] {System.getProperty("edgefm.home"), System.getProperty("user.dir")}) {
                if (base != null) {
                    Path p = Path.of(base, "dist", "agent", "target", "edgefm-agent.jar");
                    if (Files.isRegularFile(p)) {
                        return p;
                    }
                }
            }
            return null;
        }
    }

    /** Bytes written to a PrintWriter (picocli's out and err), as UTF-8. */
    private static final class WriterOutputStream extends java.io.OutputStream {
        private final java.io.PrintWriter w;
        private final java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();

        WriterOutputStream(java.io.PrintWriter w) {
            this.w = w;
        }

        @Override
        public void write(int b) {
            buf.write(b);
        }

        @Override
        public void flush() {
            w.print(buf.toString(StandardCharsets.UTF_8));
            buf.reset();
            w.flush();
        }
    }
}
