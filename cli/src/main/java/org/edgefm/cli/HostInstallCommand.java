package org.edgefm.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.edgefm.agent.install.InstallPlan;
import org.edgefm.agent.install.JavaRuntime;
import org.edgefm.agent.install.SystemUser;
import org.edgefm.agent.install.UnitTemplate;
import org.edgefm.api.EdgeFmException;
import org.edgefm.host.HostConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code edgefm host install}: installs the planner host of a release archive as the systemd
 * service {@code edgefm-host} (run as the {@code edgefm} user, hardened like the agent's unit), or
 * stages it under {@code --root}. The release's {@code lib/} is copied to {@value #HOME}/lib, the
 * configuration goes to {@value #CONFIG} with its state in {@value #DATA}.
 */
@Command(name = "install", mixinStandardHelpOptions = true,
        description = "Install the planner host of this release as the systemd service edgefm-host (run as root), or stage it "
                + "under --root. Flags become keys of /etc/edgefm/host.json; an earlier install's keys stay unless replaced.")
final class HostInstallCommand implements Callable<Integer> {
    static final String HOME = "/opt/edgefm/host";
    static final String CONFIG = "/etc/edgefm/host.json";
    static final String CREDENTIALS = "/etc/edgefm/host-credentials";
    static final String DATA = "/var/lib/edgefm/host";
    static final String PLUGINS = "/etc/edgefm/plugins";
    static final String UNIT = "edgefm-host.service";

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(JsonParser.Feature.ALLOW_COMMENTS, true)
            .configure(JsonParser.Feature.ALLOW_YAML_COMMENTS, true)
            .enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--config", paramLabel = "FILE", description = "Start from this host configuration (default: the installed one, if any).")
    Path config;
    @Option(names = "--fleet", paramLabel = "NAME", description = "Fleet name.")
    String fleet;
    @Option(names = "--broker", paramLabel = "URL", description = "An external broker instead of the embedded one.")
    String broker;
    @Option(names = "--broker-bind", paramLabel = "ADDR", description = "Address the embedded broker listens on (default 0.0.0.0 for an install).")
    String brokerBind;
    @Option(names = "--broker-port", paramLabel = "N", description = "Embedded broker port.")
    Integer brokerPort;
    @Option(names = "--http-bind", paramLabel = "ADDR", description = "Address of the HTTP API and dashboard.")
    String httpBind;
    @Option(names = "--http-port", paramLabel = "N", description = "HTTP port.")
    Integer httpPort;
    @Option(names = "--planner", paramLabel = "NAME", description = "Planner preset or CORE+LIGHT.")
    String planner;
    @Option(names = "--scenario", paramLabel = "FILE|NAME", description = "Scenario (a built-in name, or a file: copied to /etc/edgefm).")
    String scenario;
    @Option(names = "--credentials", paramLabel = "FILE", description = "Broker accounts file to install (" + CREDENTIALS + ", mode 640).")
    Path credentials;
    @Option(names = "--root", paramLabel = "DIR", defaultValue = "/", description = "Stage under DIR (the unit keeps the machine's paths; default /).")
    Path root;
    @Option(names = "--java", paramLabel = "PATH", description = "The java the unit runs (default: the one running this install).")
    Path java;
    @Option(names = "--heap", paramLabel = "SIZE", defaultValue = "1g", description = "The JVM's -Xmx (default 1g).")
    String heap;
    @Option(names = "--lib", paramLabel = "DIR", description = "The release's lib folder (default: this release's).")
    Path lib;
    @Option(names = "--dry-run", description = "Print what would be written (secrets hidden); write nothing.")
    boolean dryRun;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        InstallPlan plan = plan();
        var out = spec.commandLine().getOut();
        if (dryRun) {
            out.print(plan.describe());
        } else {
            if (!plan.staging() && SystemUser.runningAsRoot()) {
                out.println(SystemUser.ensure());
            }
            plan.apply().forEach(out::println);
        }
        plan.notes().forEach(out::println);
        out.flush();
        return 0;
    }

    InstallPlan plan() {
        Path r = root.toAbsolutePath().normalize();
        boolean staging = r.getParent() != null;
        if (!heap.matches("[1-9][0-9]*[kKmMgG]")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--heap: '" + heap + "' (expected: a size such as 1g)");
        }
        Path libDir = lib != null ? lib : System.getProperty("edgefm.home") == null ? null
                : Path.of(System.getProperty("edgefm.home"), "lib");
        if (libDir == null || !Files.isDirectory(libDir)) {
            throw new EdgeFmException("no release lib folder" + (libDir == null ? "" : " at " + libDir)
                    + "; run it from the release archive (bin/edgefm host install) or give --lib DIR");
        }
        Path installed = r.resolve(CONFIG.substring(1));
        Path base = config != null ? config : Files.isRegularFile(installed) ? installed : null;
        ObjectNode cfg;
        try {
            if (base != null) {
                HostConfig.load(base);
            }
            cfg = base == null ? JSON.createObjectNode() : (ObjectNode) JSON.readTree(Files.readString(base));
        } catch (IOException | ClassCastException e) {
            throw new EdgeFmException(base + ": not a JSON object");
        }
        Map<String, Object> keys = new LinkedHashMap<>();
        keys.put("fleet", fleet);
        keys.put("brokerUrl", broker);
        keys.put("brokerBind", brokerBind);
        keys.put("brokerPort", brokerPort);
        keys.put("httpBind", httpBind);
        keys.put("httpPort", httpPort);
        keys.put("planner", planner);
        List<InstallPlan.Step> steps = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (scenario != null) {
            Path f = Path.of(scenario);
            if (Files.isRegularFile(f)) {
                Path target = Path.of("/etc/edgefm", f.getFileName().toString());
                steps.add(new InstallPlan.CopyFile(target, f, "rw-r--r--"));
                keys.put("scenario", target.toString());
            } else {
                keys.put("scenario", scenario);
            }
        }
        keys.forEach((k, v) -> {
            if (v != null) {
                cfg.set(k, JSON.valueToTree(v));
            }
        });
        if (credentials != null) {
            if (!Files.isReadable(credentials)) {
                throw new EdgeFmException("--credentials " + credentials + ": no such file");
            }
            steps.add(new InstallPlan.WriteFile(Path.of(CREDENTIALS), read(credentials), "(accounts: password hashes hidden)",
                    "rw-r-----", "root", SystemUser.NAME));
            cfg.put("credentialsFile", CREDENTIALS);
        }
        if (!cfg.hasNonNull("brokerUrl") && !cfg.hasNonNull("brokerBind")) {
            cfg.put("brokerBind", "0.0.0.0");
            notes.add("the embedded broker listens on every interface (--broker-bind ADDR to change); agents need accounts"
                    + (cfg.hasNonNull("credentialsFile") ? "" : ": give --credentials FILE (edgefm host --add-account)"));
        }
        String dataDir = cfg.path("dataDir").asText(null);
        if (dataDir == null || !(dataDir.equals(DATA) || dataDir.startsWith(DATA + "/"))) {
            cfg.put("dataDir", DATA);
        }
        if (!cfg.hasNonNull("pluginsDir")) {
            cfg.put("pluginsDir", PLUGINS);
        }
        String json = write(cfg);
        HostConfig hc = validate(json);
        boolean lowPort = hc.brokerPort() > 0 && hc.brokerPort() < 1024 || hc.tlsPort() > 0 && hc.tlsPort() < 1024
                || hc.httpPort() > 0 && hc.httpPort() < 1024;
        Map<String, String> v = new LinkedHashMap<>();
        v.put("NOTE", staging ? "Staged for an image." : "Installed in place.");
        v.put("FLEET", hc.fleet());
        v.put("JAVA", JavaRuntime.forUnit(java, staging).toString());
        v.put("HEAP", heap);
        v.put("CAPABILITIES", lowPort
                ? "# A port below 1024: binding it is the one privilege the host keeps.\n"
                        + "CapabilityBoundingSet=CAP_NET_BIND_SERVICE\nAmbientCapabilities=CAP_NET_BIND_SERVICE"
                : "CapabilityBoundingSet=\nAmbientCapabilities=");
        String unit = UnitTemplate.render(UnitTemplate.load("/org/edgefm/cli/install/edgefm-host.service"), v);
        ObjectNode masked = cfg.deepCopy();
        for (String secret : List.of("hostPassword", "keystorePassword")) {
            if (masked.has(secret)) {
                masked.put(secret, "(hidden)");
            }
        }
        if (packaged(r, libDir)) {
            // The Debian package edgefm put the release and its unit in place: the configuration only,
            // and for a port below 1024 a drop-in that gives the packaged unit that one capability.
            steps.add(new InstallPlan.MakeDir(Path.of(PLUGINS), "rwxr-xr-x", null));
            steps.add(new InstallPlan.WriteFile(Path.of(CONFIG), json, write(masked), "rw-r-----", "root", SystemUser.NAME));
            steps.add(new InstallPlan.MakeDir(Path.of(DATA), "rwxr-x---", SystemUser.NAME));
            Path dropIn = Path.of("/etc/systemd/system", UNIT + ".d", "low-port.conf");
            String caps = "[Service]\n# A port below 1024: binding it is the one privilege the host keeps.\n"
                    + "CapabilityBoundingSet=CAP_NET_BIND_SERVICE\nAmbientCapabilities=CAP_NET_BIND_SERVICE\n";
            if (lowPort) {
                steps.add(new InstallPlan.WriteFile(dropIn, caps, caps, "rw-r--r--", null, null));
            } else if (Files.exists(r.resolve(dropIn.toString().substring(1)))) {
                notes.add("a port below 1024 is no longer configured: remove " + dropIn);
            }
            notes.add("the Debian package's unit " + PACKAGED_UNIT + " runs it (JVM options in /etc/default/edgefm-host):"
                    + " systemctl daemon-reload && systemctl restart " + UNIT);
            return new InstallPlan(r, steps, notes);
        }
        steps.add(0, new InstallPlan.CopyDir(Path.of(HOME, "lib"), libDir));
        Path home = libDir.toAbsolutePath().getParent();
        if (home != null && Files.isRegularFile(home.resolve("bin/edgefm"))) {
            steps.add(1, new InstallPlan.CopyFile(Path.of(HOME, "bin/edgefm"), home.resolve("bin/edgefm"), "rwxr-xr-x"));
        }
        if (home != null && Files.isRegularFile(home.resolve("README.md"))) {
            steps.add(new InstallPlan.CopyFile(Path.of(HOME, "README.md"), home.resolve("README.md"), "rw-r--r--"));
        }
        steps.add(new InstallPlan.WriteFile(Path.of("/etc/sysusers.d/edgefm.conf"), SystemUser.sysusersEntry(),
                SystemUser.sysusersEntry(), "rw-r--r--", null, null));
        String tmpfiles = "# Ownership of the EdgeFM host's files, applied at boot by systemd-tmpfiles (a staged image).\n"
                + "d " + SystemUser.HOME + " 0750 " + SystemUser.NAME + " " + SystemUser.NAME + " -\n"
                + "d " + DATA + " 0750 " + SystemUser.NAME + " " + SystemUser.NAME + " -\n"
                + "z " + CONFIG + " 0640 root " + SystemUser.NAME + " -\n"
                + (credentials != null ? "z " + CREDENTIALS + " 0640 root " + SystemUser.NAME + " -\n" : "");
        steps.add(new InstallPlan.WriteFile(Path.of("/etc/tmpfiles.d/edgefm-host.conf"), tmpfiles, tmpfiles, "rw-r--r--", null, null));
        steps.add(new InstallPlan.MakeDir(Path.of(PLUGINS), "rwxr-xr-x", null));
        steps.add(new InstallPlan.WriteFile(Path.of(CONFIG), json, write(masked), "rw-r-----", "root", SystemUser.NAME));
        steps.add(new InstallPlan.MakeDir(Path.of(SystemUser.HOME), "rwxr-x---", SystemUser.NAME));
        steps.add(new InstallPlan.MakeDir(Path.of(DATA), "rwxr-x---", SystemUser.NAME));
        steps.add(new InstallPlan.WriteFile(Path.of("/etc/systemd/system", UNIT), unit, unit, "rw-r--r--", null, null));
        notes.add(staging ? "staged under " + r + "; enable it in the image with: systemctl --root=" + r + " enable " + UNIT
                : "then: systemctl daemon-reload && systemctl enable --now " + UNIT);
        return new InstallPlan(r, steps, notes);
    }

    /** The unit the Debian package edgefm ships. */
    static final String PACKAGED_UNIT = "/usr/lib/systemd/system/edgefm-host.service";

    /** True when the Debian package installed the release under {@code root} and {@code libDir} is its lib folder. */
    static boolean packaged(Path root, Path libDir) {
        Path packagedLib = root.resolve(HOME.substring(1)).resolve("lib");
        try {
            return Files.isRegularFile(root.resolve(PACKAGED_UNIT.substring(1))) && Files.isDirectory(packagedLib)
                    && Files.isSameFile(libDir, packagedLib);
        } catch (IOException e) {
            return false;
        }
    }

    /** Validates the configuration as the host will read it (errors name the installed file). */
    private static HostConfig validate(String json) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile("edgefm-host-install", ".json");
            Files.writeString(tmp, json);
            return HostConfig.load(tmp);
        } catch (EdgeFmException e) {
            throw new EdgeFmException(e.getMessage().replace("config " + tmp + ": ", CONFIG + ": "));
        } catch (IOException e) {
            throw new EdgeFmException("cannot check the configuration (" + e.getMessage() + ")");
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a temporary file
                }
            }
        }
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new EdgeFmException(f + ": cannot read it (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static String write(ObjectNode n) {
        try {
            return JSON.writeValueAsString(n) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
