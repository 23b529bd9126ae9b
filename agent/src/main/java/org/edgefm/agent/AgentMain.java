package org.edgefm.agent;

import java.nio.file.Path;
import org.edgefm.api.EdgeFmException;

/**
 * Entry point of the agent's self-contained jar (the release's {@code bin/edgefm-agent} runs it):
 * {@code java -jar edgefm-agent.jar [--config FILE] [--broker URL] [--node-id ID] [--fleet NAME]
 * [--profile NAME] [--data-dir DIR] [--http-port N]} runs the agent (flags override the file);
 * {@code java -jar edgefm-agent.jar install ...} installs it as a service ({@link AgentInstallCommand}).
 * Exit codes: 1 failed, 2 usage error; errors are one line.
 */
public final class AgentMain {
    private static final String USAGE = "usage: edgefm-agent [--config FILE] [--broker URL] [--node-id ID] [--fleet NAME]"
            + " [--profile NAME] [--data-dir DIR] [--http-port N] [--bind ADDR] [--advertise HOST] [--label L]... [--scenario FILE|NAME]";

    private AgentMain() {
    }

    /** Parses the flags and runs the agent until SIGTERM. */
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("install")) {
            System.exit(AgentInstallCommand.run(java.util.Arrays.asList(args).subList(1, args.length), System.out, System.err, null));
        }
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println(USAGE);
            System.out.println("       edgefm-agent install --help");
            return;
        }
        try {
            AgentConfig c = parse(args);
            Agent.runUntilShutdown(c);
        } catch (UsageException e) {
            System.err.println("edgefm-agent: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        } catch (EdgeFmException e) {
            System.err.println("edgefm-agent: " + e.getMessage());
            System.exit(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Parses the command line into a configuration. */
    static AgentConfig parse(String[] args) {
        String config = null;
        String broker = null;
        String node = null;
        String fleet = null;
        String profile = null;
        String dataDir = null;
        Integer port = null;
        String bind = null;
        String advertise = null;
        java.util.List<String> labels = null;
        String scenario = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                throw new UsageException("option " + a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--config" -> config = v;
                case "--broker" -> broker = v;
                case "--node-id" -> node = v;
                case "--fleet" -> fleet = v;
                case "--profile" -> profile = v;
                case "--data-dir" -> dataDir = v;
                case "--bind" -> bind = v;
                case "--advertise" -> advertise = v;
                case "--scenario" -> scenario = v;
                case "--label" -> {
                    labels = labels == null ? new java.util.ArrayList<>() : labels;
                    labels.add(v);
                }
                case "--http-port" -> {
                    try {
                        port = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        throw new UsageException("--http-port: '" + v + "' is not a number");
                    }
                }
                default -> throw new UsageException("unknown option " + a);
            }
        }
        AgentConfig base = config == null ? AgentConfig.defaults() : AgentConfig.load(Path.of(config));
        AgentConfig c = base.withOverrides(broker, node, fleet, profile, dataDir, port).withNetwork(bind, advertise, labels, scenario);
        String adv = c.advertiseHost();
        if (adv.equals("0.0.0.0") || adv.equals("::") || adv.equals("[::]")) {
            throw new UsageException("--advertise: needed with --bind " + c.httpHost()
                    + " (peers and the workload cannot reach a wildcard address; give this machine's name or address)");
        }
        return c;
    }

    /** A command-line mistake. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
