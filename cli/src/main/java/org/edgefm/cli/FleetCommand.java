package org.edgefm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.edgefm.host.broker.FleetProvisioner;
import org.edgefm.host.broker.MosquittoFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code edgefm fleet}: device identities and broker files for a fleet. */
@Command(name = "fleet", mixinStandardHelpOptions = true, description = "Fleet identity: certificates and broker files.",
        subcommands = {FleetCommand.Provision.class, FleetCommand.Mosquitto.class})
final class FleetCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return Main.EXIT_USAGE;
    }

    /** {@code edgefm fleet provision}. */
    @Command(name = "provision", mixinStandardHelpOptions = true, description = "Create a fleet CA (or use --ca), the"
            + " broker's TLS certificate and one client certificate (CN = node id) and agent configuration per node.")
    static final class Provision implements Callable<Integer> {
        @Option(names = "--nodes", required = true, split = ",", paramLabel = "A,B,C", description = "Node ids.")
        List<String> nodes;

        @Option(names = "--fleet", defaultValue = "default", paramLabel = "NAME", description = "Fleet name (default: ${DEFAULT-VALUE}).")
        String fleet;

        @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: fleet-NAME).")
        Path out;

        @Option(names = "--ca", paramLabel = "DIR", description = "An existing fleet CA folder (ca.p12, ca.p12.password,"
                + " ca.pem) to sign with, e.g. to add nodes later.")
        Path ca;

        @Option(names = "--broker-names", split = ",", paramLabel = "NAME,IP", description = "Names and addresses agents use"
                + " to reach the broker, for its certificate (default: localhost, 127.0.0.1 and this machine's name).")
        List<String> brokerNames;

        @Option(names = "--broker", paramLabel = "URL", description = "The broker URL in each agent's configuration"
                + " (default: ssl://FIRST-BROKER-NAME:8883).")
        String broker;

        @Option(names = "--device-dir", defaultValue = "/etc/edgefm", paramLabel = "DIR", description = "Where a node's"
                + " bundle is installed on the device (paths in agent.json; default: ${DEFAULT-VALUE}).")
        Path deviceDir;

        @Option(names = "--days", defaultValue = "825", paramLabel = "N", description = "Certificate validity in days"
                + " (default: ${DEFAULT-VALUE}).")
        int days;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            List<String> names = brokerNames == null ? FleetProvisioner.defaultBrokerNames() : brokerNames;
            Path dir = out != null ? out : Path.of("fleet-" + fleet);
            String url = broker != null ? broker : "ssl://" + names.get(0) + ":8883";
            FleetProvisioner.Request r;
            try {
                r = new FleetProvisioner.Request(fleet, nodes, dir, ca, names, url, deviceDir, days);
            } catch (RuntimeException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            List<Path> files = new FleetProvisioner(r).run();
            var o = spec.commandLine().getOut();
            o.println("fleet " + fleet + ": " + nodes.size() + " node certificate(s) under " + dir.resolve("nodes"));
            files.forEach(f -> o.println("  " + f));
            o.println("host:   ./edgefm host --config " + dir.resolve("broker/host.json") + " (TLS only, client certificates of "
                    + "the fleet CA; add --credentials FILE to allow passwords too)");
            o.println("device: copy " + dir.resolve("nodes/NODE") + "/ to the device and run sudo edgefm-agent install --cert"
                    + " NODE/ --advertise ADDRESS (the service then uses mutual TLS), or copy it to " + deviceDir + "/ (keep the"
                    + " .p12 and .password files owner-only) and run ./edgefm agent --config " + deviceDir.resolve("agent.json"));
            return 0;
        }
    }

    /** {@code edgefm fleet mosquitto}. */
    @Command(name = "mosquitto", mixinStandardHelpOptions = true, description = "Write the Mosquitto ACL and settings for"
            + " a fleet: the same identity binding and topic rules as the embedded broker.")
    static final class Mosquitto implements Callable<Integer> {
        @Option(names = "--fleet", required = true, paramLabel = "NAME", description = "Fleet name.")
        String fleet;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for edgefm.acl and edgefm.conf.")
        Path out;

        @Option(names = "--password-file", defaultValue = "/etc/mosquitto/edgefm.passwd", paramLabel = "FILE",
                description = "The password_file the settings name (default: ${DEFAULT-VALUE}).")
        Path passwordFile;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            String acl;
            try {
                acl = MosquittoFiles.acl(fleet);
            } catch (RuntimeException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--fleet: " + e.getMessage());
            }
            Files.createDirectories(out);
            Path aclFile = out.resolve("edgefm.acl");
            Files.writeString(aclFile, acl);
            Files.writeString(out.resolve("edgefm.conf"), MosquittoFiles.conf(passwordFile, aclFile));
            spec.commandLine().getOut().println("wrote " + Arrays.asList(aclFile, out.resolve("edgefm.conf"))
                    + " (include edgefm.conf after your listener lines)");
            return 0;
        }
    }
}
