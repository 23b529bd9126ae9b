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
        subcommands = {FleetCommand.Provision.class, FleetCommand.Revoke.class, FleetCommand.Mosquitto.class})
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

    /** {@code edgefm fleet revoke}. */
    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Take a node's identity away: remove its"
            + " account from the host's credentials file and/or Mosquitto's password file, and put its client certificate"
            + " on the fleet CA's revocation list (CA_DIR/crl.pem). A running host's embedded broker applies it within"
            + " about a second and cuts the node's live session; Mosquitto applies it when reloaded (SIGHUP).")
    static final class Revoke implements Callable<Integer> {
        @CommandLine.Parameters(index = "0", paramLabel = "NODE", description = "The node id (its account name, its certificate's CN).")
        String node;

        @Option(names = "--credentials", paramLabel = "FILE", description = "The host's credentials file (host --credentials):"
                + " the node's account is removed.")
        Path credentials;

        @Option(names = "--mosquitto-passwd", paramLabel = "FILE", description = "Mosquitto's password_file: the node's"
                + " account is removed (then reload Mosquitto).")
        Path mosquittoPasswd;

        @Option(names = "--ca", paramLabel = "DIR", description = "The fleet CA folder of fleet provision (ca.p12,"
                + " ca.p12.password, ca.pem): the node's certificate is added to DIR/crl.pem.")
        Path ca;

        @Option(names = "--cert", paramLabel = "FILE", description = "The certificate to revoke (PEM; default: the"
                + " node's bundle next to the CA, DIR/../nodes/NODE/NODE.pem).")
        Path cert;

        @Option(names = "--crl-days", defaultValue = "825", paramLabel = "N", description = "Validity of the new"
                + " revocation list in days; issue a new one (revoke again or another node) before it ends"
                + " (default: ${DEFAULT-VALUE}).")
        int crlDays;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            CommandLine cl = spec.commandLine();
            if (!org.edgefm.api.Check.NODE_ID.matcher(node).matches()) {
                throw new CommandLine.ParameterException(cl, "NODE: '" + node + "' is not a node id (expected: 1-64 of"
                        + " A-Z a-z 0-9 _ -)");
            }
            if (node.equals(org.edgefm.host.broker.Credentials.DEFAULT_HOST_USER)) {
                throw new CommandLine.ParameterException(cl, "NODE: '" + node + "' is the host's account: change its"
                        + " password instead");
            }
            if (credentials == null && mosquittoPasswd == null && ca == null) {
                throw new CommandLine.ParameterException(cl, "nothing to revoke from: give --credentials FILE,"
                        + " --mosquitto-passwd FILE and/or --ca DIR");
            }
            if (cert != null && ca == null) {
                throw new CommandLine.ParameterException(cl, "--cert needs --ca DIR (the CA that issued it)");
            }
            if (crlDays < 1 || crlDays > 3650) {
                throw new CommandLine.ParameterException(cl, "--crl-days: " + crlDays + " (expected: 1 to 3650)");
            }
            var o = cl.getOut();
            List<String> missing = new java.util.ArrayList<>();
            int done = 0;
            for (Path f : java.util.Arrays.asList(credentials, mosquittoPasswd)) {
                if (f == null) {
                    continue;
                }
                if (org.edgefm.host.broker.Credentials.removeAccount(f, node)) {
                    o.println("removed the account of " + node + " from " + f);
                    done++;
                } else {
                    missing.add("no account '" + node + "' in " + f);
                }
            }
            if (ca != null) {
                if (!Files.isReadable(ca.resolve("ca.pem")) || !Files.isReadable(ca.resolve("ca.p12"))
                        || !Files.isReadable(FleetProvisioner.password(ca.resolve("ca.p12")))) {
                    throw new org.edgefm.api.EdgeFmException("--ca " + ca + ": expected ca.p12, ca.p12.password and ca.pem there");
                }
                Path file = cert != null ? cert : ca.toAbsolutePath().getParent().resolve("nodes").resolve(node).resolve(node + ".pem");
                if (!Files.isReadable(file)) {
                    throw new org.edgefm.api.EdgeFmException("certificate of " + node + ": " + file + " is not readable"
                            + (cert == null ? " (give it with --cert FILE)" : ""));
                }
                java.security.cert.X509Certificate c = org.edgefm.host.broker.ClientCertificates.readCertificates(file).get(0);
                String cn = org.edgefm.host.broker.ClientCertificates.commonName(c);
                if (!node.equals(cn)) {
                    throw new org.edgefm.api.EdgeFmException("certificate " + file + ": its CN is '" + cn + "', not '" + node + "'");
                }
                String serial = c.getSerialNumber().toString(16);
                Path crl = ca.resolve(org.edgefm.host.broker.Revocations.CRL_FILE);
                if (org.edgefm.host.broker.Revocations.revoke(ca, c, java.time.Duration.ofDays(crlDays))) {
                    o.println("revoked the certificate of " + node + " (serial " + serial + ") in " + crl);
                    done++;
                } else {
                    o.println("the certificate of " + node + " (serial " + serial + ") was revoked already in " + crl);
                    done++;
                }
            }
            missing.forEach(m -> cl.getErr().println("fleet revoke: " + m));
            if (done == 0) {
                throw new org.edgefm.api.EdgeFmException(node + " was not revoked: " + String.join("; ", missing));
            }
            if (credentials != null || ca != null) {
                o.println("a running host (embedded broker) applies this within about a second and cuts " + node
                        + "'s session; its services are failed over");
            }
            if (mosquittoPasswd != null) {
                o.println("Mosquitto: reload it (systemctl reload mosquitto, or kill -HUP its pid): it then drops " + node
                        + "'s session and refuses its password");
            }
            if (ca != null) {
                o.println("Mosquitto with client certificates: crlfile " + ca.toAbsolutePath().resolve(
                        org.edgefm.host.broker.Revocations.CRL_FILE) + " on the TLS listener refuses the certificate from the"
                        + " next connect");
            }
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
