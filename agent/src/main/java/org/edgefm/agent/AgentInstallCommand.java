package org.edgefm.agent;

import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.edgefm.agent.install.ClientIdentity;
import org.edgefm.agent.telemetry.HostSampler;
import org.edgefm.api.EdgeFmException;
import org.edgefm.install.InstallPlan;
import org.edgefm.install.JavaRuntime;
import org.edgefm.profiles.Detection;
import org.edgefm.profiles.DeviceProfile;
import org.edgefm.profiles.ProfileCatalog;
import org.edgefm.profiles.ProfileDetector;

/**
 * {@code edgefm-agent install [flags]}: the command line of {@link AgentInstaller}, shared by the
 * release's launcher and {@code ./edgefm agent install}. Exit codes: 0 done, 1 failed, 2 usage.
 */
public final class AgentInstallCommand {
    /** The flags, as printed by {@code --help}. */
    public static final String USAGE = String.join("\n",
            "usage: edgefm-agent install --broker URL --node-id ID [options]",
            "       edgefm-agent install --cert NODE-BUNDLE-DIR [options]",
            "Installs this release as the systemd service edgefm-agent (run as root), or stages it under --root.",
            "  --broker URL          MQTT broker, tcp://HOST:1883 or ssl://HOST:8883",
            "  --node-id ID          this device's node id (and, with --password-file, its MQTT user name)",
            "  --fleet NAME          fleet name (default: default)",
            "  --password-file FILE  MQTT password on the file's first line (stored in /etc/edgefm/agent.json, mode 640)",
            "  --username NAME       MQTT user name (default: the node id)",
            "  --ca-file FILE        the broker's CA certificate (PEM), for ssl:// (also --ca)",
            "  --cert BUNDLE|FILE    this node's client certificate for mutual TLS: a node folder of 'edgefm fleet",
            "                        provision' (NODE.p12, its .password, ca.pem, agent.json: fleet, node id and broker",
            "                        come from it), a PKCS#12 file with FILE.password next to it, or a PEM certificate",
            "                        with --key; installed owner-only as /etc/edgefm/agent.p12 (CN = node id)",
            "  --key FILE            the PEM private key of a PEM --cert (not encrypted)",
            "  --profile auto|NAME   device profile (default auto: detected when the agent starts; the unit's device",
            "                        sandbox follows the profile detected now, or NAME's kind)",
            "  --bind ADDR           address of the task and peer endpoint (default 0.0.0.0)",
            "  --advertise HOST      address peers reach it at (default: this machine's address towards the broker)",
            "  --http-port N         its port (default: any free port)",
            "  --label LABEL         a label announced in the birth (repeatable; a stream may name it as its origin)",
            "  --scenario FILE|NAME  scenario whose task types the agent accepts (a file is copied to /etc/edgefm)",
            "  --config FILE         start from this configuration (default: the installed one, if any)",
            "  --root DIR            stage an image under DIR (the unit keeps the device's paths; default /)",
            "  --java PATH           the java the unit runs (default: the one running this install)",
            "  --heap SIZE           the JVM's -Xmx (default " + AgentInstaller.DEFAULT_HEAP + ")",
            "  --jar FILE            the agent jar to install (default: this release's)",
            "  --dry-run             print what would be written (password hidden); write nothing");

    private AgentInstallCommand() {
    }

    /**
     * Runs an install.
     *
     * @param args       the flags after {@code install}
     * @param defaultJar the jar to install when {@code --jar} is absent, or null for the jar this
     *                   class was loaded from
     * @return the exit code
     */
    public static int run(List<String> args, PrintStream out, PrintStream err, Path defaultJar) {
        try {
            InstallPlan plan = plan(args, defaultJar);
            if (plan == null) {
                out.println(USAGE);
                return 0;
            }
            if (args.contains("--dry-run")) {
                out.print(plan.describe());
            } else {
                for (String line : plan.applyWithUser()) {
                    out.println(line);
                }
            }
            for (String n : plan.notes()) {
                out.println(n);
            }
            return 0;
        } catch (UsageException e) {
            err.println("edgefm-agent install: " + e.getMessage());
            err.println("(edgefm-agent install --help lists the options)");
            return 2;
        } catch (EdgeFmException e) {
            err.println("edgefm-agent install: " + e.getMessage());
            return 1;
        }
    }

    /** Parses the flags into a plan; null for {@code --help}. */
    static InstallPlan plan(List<String> args, Path defaultJar) {
        Map<String, Object> keys = new LinkedHashMap<>();
        Path root = Path.of("/");
        Path config = null;
        Path passwordFile = null;
        Path caFile = null;
        Path cert = null;
        Path key = null;
        Path java = null;
        Path jar = defaultJar;
        String heap = null;
        String profile = "auto";
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--help") || a.equals("-h")) {
                return null;
            }
            if (a.equals("--dry-run")) {
                continue;
            }
            if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                throw new UsageException("option " + a + " needs a value");
            }
            String v = args.get(++i);
            switch (a) {
                case "--broker" -> keys.put("broker", v);
                case "--node-id" -> keys.put("nodeId", v);
                case "--fleet" -> keys.put("fleet", v);
                case "--username" -> keys.put("username", v);
                case "--password-file" -> passwordFile = Path.of(v);
                case "--ca-file", "--ca" -> caFile = Path.of(v);
                case "--cert" -> cert = Path.of(v);
                case "--key" -> key = Path.of(v);
                case "--profile" -> profile = v;
                case "--bind" -> keys.put("httpHost", v);
                case "--advertise" -> keys.put("advertiseHost", v);
                case "--label" -> {
                    @SuppressWarnings("unchecked")
                    List<String> l = (List<String>) keys.computeIfAbsent("labels", k -> new java.util.ArrayList<String>());
                    l.add(v);
                }
                case "--scenario" -> keys.put("scenario", v);
                case "--http-port" -> {
                    try {
                        keys.put("httpPort", Integer.parseInt(v));
                    } catch (NumberFormatException e) {
                        throw new UsageException("--http-port: '" + v + "' is not a number");
                    }
                }
                case "--config" -> config = Path.of(v);
                case "--root" -> root = Path.of(v);
                case "--java" -> java = Path.of(v);
                case "--heap" -> heap = v;
                case "--jar" -> jar = Path.of(v);
                default -> throw new UsageException("unknown option " + a);
            }
        }
        if (key != null && cert == null) {
            throw new UsageException("--key needs --cert (the certificate of that key)");
        }
        boolean staging = root.toAbsolutePath().normalize().getParent() != null;
        if (jar == null) {
            jar = runningJar();
            if (jar == null) {
                throw new EdgeFmException("no agent jar to install: run the release's bin/edgefm-agent, or give --jar FILE");
            }
        }
        AgentInstaller.Devices devices;
        String why;
        if (profile.equals("auto")) {
            if (staging) {
                devices = AgentInstaller.Devices.NVIDIA_GPU;
                why = "profile detected when the agent starts (staged image)";
            } else {
                Detection d = new ProfileDetector(ProfileCatalog.builtIn()).detect(HostSampler.machineFacts());
                devices = AgentInstaller.Devices.forProfileKind(d.profile().kind());
                why = "profile " + d.profile().name() + " detected at install";
            }
        } else {
            DeviceProfile p;
            try {
                p = ProfileCatalog.builtIn().get(profile);
            } catch (EdgeFmException e) {
                throw new UsageException("--profile: " + e.getMessage());
            }
            keys.put("profile", profile);
            devices = AgentInstaller.Devices.forProfileKind(p.kind());
            why = "profile " + profile;
        }
        Path home = jar.toAbsolutePath().getParent() == null ? null : jar.toAbsolutePath().getParent().getParent();
        Path launcher = home == null ? null : home.resolve("bin/edgefm-agent");
        Path readme = home == null ? null : home.resolve("README.md");
        ClientIdentity identity = cert == null ? null : ClientIdentity.read(cert, key, (String) keys.get("nodeId"));
        return AgentInstaller.plan(new AgentInstaller.Request(root, config, keys, passwordFile, caFile, identity, jar,
                launcher, readme, JavaRuntime.forUnit(java, staging), heap, devices, why));
    }

    /** The jar this class was loaded from, or null when it runs from a class folder. */
    static Path runningJar() {
        try {
            var src = AgentInstallCommand.class.getProtectionDomain().getCodeSource();
            if (src == null) {
                return null;
            }
            Path p = Path.of(src.getLocation().toURI());
            return Files.isRegularFile(p) && p.toString().endsWith(".jar") ? p : null;
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            return null;
        }
    }

    /** A command-line mistake (exit 2). */
    static final class UsageException extends EdgeFmException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
