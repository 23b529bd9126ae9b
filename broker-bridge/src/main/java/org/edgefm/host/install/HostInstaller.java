package org.edgefm.host.install;

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
import org.edgefm.api.EdgeFmException;
import org.edgefm.host.HostConfig;
import org.edgefm.install.InstallPlan;
import org.edgefm.install.JavaRuntime;
import org.edgefm.install.SystemUser;
import org.edgefm.install.UnitTemplate;

/**
 * Installs the planner host of a release as the systemd service {@value #UNIT} (run as the
 * {@code edgefm} user, hardened like the agent's unit), or stages it under a root folder: the
 * release's {@code lib/} is copied to {@value #HOME}/lib, the configuration goes to {@value #CONFIG}
 * (mode 640, group {@code edgefm}) with its state in {@value #DATA}, and the unit is this package's
 * template {@code edgefm-host.service} filled in. On a machine where the Debian package
 * {@code edgefm} put the release and its unit ({@value #PACKAGED_UNIT}) in place, only the
 * configuration is written (and, for a port below 1024, a drop-in granting that one capability).
 *
 * <p>An install over an earlier one keeps its configuration: the keys given now replace theirs,
 * the others stay (an upgrade is an install with no flags).
 */
public final class HostInstaller {
    /** The unit's name. */
    public static final String UNIT = "edgefm-host.service";
    /** Where the release goes. */
    public static final String HOME = "/opt/edgefm/host";
    /** The configuration file. */
    public static final String CONFIG = "/etc/edgefm/host.json";
    /** The broker accounts file, when one is given. */
    public static final String CREDENTIALS = "/etc/edgefm/host-credentials";
    /** The host's state folder (outbox, journal, fleet registry). */
    public static final String DATA = "/var/lib/edgefm/host";
    /** The planner plugins' folder. */
    public static final String PLUGINS = "/etc/edgefm/plugins";
    /** The unit the Debian package edgefm ships. */
    public static final String PACKAGED_UNIT = "/usr/lib/systemd/system/" + UNIT;

    private static final String LOW_PORT_CAPABILITY = "# A port below 1024: binding it is the one privilege the host keeps.\n"
            + "CapabilityBoundingSet=CAP_NET_BIND_SERVICE\nAmbientCapabilities=CAP_NET_BIND_SERVICE";

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(JsonParser.Feature.ALLOW_COMMENTS, true)
            .configure(JsonParser.Feature.ALLOW_YAML_COMMENTS, true)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private HostInstaller() {
    }

    /**
     * Plans the install.
     *
     * @throws EdgeFmException one line for a missing release, a bad file or a bad key (the
     *                         configuration is validated as the host will read it)
     */
    public static InstallPlan plan(HostInstallOptions o) {
        Path r = o.root().toAbsolutePath().normalize();
        boolean staging = r.getParent() != null;
        Path libDir = o.lib() != null ? o.lib() : System.getProperty("edgefm.home") == null ? null
                : Path.of(System.getProperty("edgefm.home"), "lib");
        if (libDir == null || !Files.isDirectory(libDir)) {
            throw new EdgeFmException("no release lib folder" + (libDir == null ? "" : " at " + libDir)
                    + "; run it from the release archive (bin/edgefm host install) or give --lib DIR");
        }
        Path installed = r.resolve(CONFIG.substring(1));
        Path base = o.config() != null ? o.config() : Files.isRegularFile(installed) ? installed : null;
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
        keys.put("fleet", o.fleet());
        keys.put("brokerUrl", o.brokerUrl());
        keys.put("brokerBind", o.brokerBind());
        keys.put("brokerPort", o.brokerPort());
        keys.put("httpBind", o.httpBind());
        keys.put("httpPort", o.httpPort());
        keys.put("planner", o.planner());
        List<InstallPlan.Step> steps = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (o.scenario() != null) {
            Path f = Path.of(o.scenario());
            if (Files.isRegularFile(f)) {
                Path target = Path.of("/etc/edgefm", f.getFileName().toString());
                steps.add(new InstallPlan.CopyFile(target, f, "rw-r--r--"));
                keys.put("scenario", target.toString());
            } else {
                keys.put("scenario", o.scenario());
            }
        }
        keys.forEach((k, v) -> {
            if (v != null) {
                cfg.set(k, JSON.valueToTree(v));
            }
        });
        if (o.credentials() != null) {
            if (!Files.isReadable(o.credentials())) {
                throw new EdgeFmException("--credentials " + o.credentials() + ": no such file");
            }
            steps.add(new InstallPlan.WriteFile(Path.of(CREDENTIALS), read(o.credentials()), "(accounts: password hashes hidden)",
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
        v.put("JAVA", JavaRuntime.forUnit(o.java(), staging).toString());
        v.put("HEAP", o.heap());
        v.put("CAPABILITIES", lowPort ? LOW_PORT_CAPABILITY : "CapabilityBoundingSet=\nAmbientCapabilities=");
        String unit = UnitTemplate.render(UnitTemplate.load(HostInstaller.class, "edgefm-host.service"), v);
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
            String caps = "[Service]\n" + LOW_PORT_CAPABILITY + "\n";
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
                + (o.credentials() != null ? "z " + CREDENTIALS + " 0640 root " + SystemUser.NAME + " -\n" : "");
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
