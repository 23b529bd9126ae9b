package org.edgefm.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.edgefm.agent.Agent;
import org.edgefm.agent.AgentConfig;
import org.edgefm.agent.AgentInstaller;
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

    /** {@code edgefm agent install --config FILE [--prefix DIR] [--dry-run]}. */
    @Command(name = "install", mixinStandardHelpOptions = true,
            description = "Write the agent's config, a systemd unit and the jar location under a prefix (default /).")
    static final class Install implements Callable<Integer> {
        @Option(names = "--config", required = true, paramLabel = "FILE", description = "Agent configuration to install.")
        Path config;
        @Option(names = "--prefix", paramLabel = "DIR", defaultValue = "/", description = "Install root (default: /).")
        Path prefix;
        @Option(names = "--jar", paramLabel = "FILE", description = "The device jar to copy (default: agent/target/edgefm-agent-*-device.jar if built).")
        Path jar;
        @Option(names = "--dry-run", description = "Print what would be written, with the password masked; write nothing.")
        boolean dryRun;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            AgentConfig c = AgentConfig.load(config);
            Path j = jar != null ? jar : AgentInstaller.findBuiltJar(Path.of(System.getProperty("user.dir")));
            if (jar != null && !java.nio.file.Files.isRegularFile(jar)) {
                throw new org.edgefm.api.EdgeFmException("--jar " + jar + ": no such file");
            }
            AgentInstaller.Plan plan = AgentInstaller.plan(c, prefix, j);
            if (dryRun) {
                spec.commandLine().getOut().print(AgentInstaller.describe(plan));
                spec.commandLine().getOut().flush();
                return 0;
            }
            AgentInstaller.apply(plan);
            for (AgentInstaller.FileToWrite f : plan.files()) {
                spec.commandLine().getOut().println("wrote " + f.path());
            }
            spec.commandLine().getOut().println(plan.jarSource() != null ? "copied " + plan.jarSource() + " to " + plan.jarTarget()
                    : "the unit expects the jar at " + plan.jarTarget() + " (none built; see agent/README.md)");
            return 0;
        }
    }
}
