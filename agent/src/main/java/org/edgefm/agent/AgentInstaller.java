package org.edgefm.agent;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.edgefm.agent.install.ClientIdentity;
import org.edgefm.api.EdgeFmException;
import org.edgefm.install.InstallPlan;
import org.edgefm.install.SystemUser;
import org.edgefm.install.UnitTemplate;

/**
 * Installs the agent from its release as a systemd service: the jar and launcher under
 * {@value #HOME}, the configuration {@value #CONFIG} (mode 640, group {@code edgefm}: it may hold
 * the MQTT password), the broker's CA certificate, the unit {@value #UNIT_PATH} (run as the
 * {@code edgefm} user with systemd's hardening; its template is the resource
 * {@code install/edgefm-agent.service} next to this class, filled in by {@link UnitTemplate}), and the {@code sysusers.d}/{@code tmpfiles.d} entries that give a staged
 * image the user and the files' ownership at boot. State lives in {@value #STATE}, the only folder
 * the unit may write.
 *
 * <p>An install over an earlier one keeps its configuration: the keys given now replace theirs,
 * the others stay (an upgrade is an install with no flags).
 */
public final class AgentInstaller {
    /** The unit's name. */
    public static final String UNIT = "edgefm-agent.service";
    /** Where the release goes. */
    public static final String HOME = "/opt/edgefm/agent";
    /** The configuration file. */
    public static final String CONFIG = "/etc/edgefm/agent.json";
    /** The broker CA certificate, when one is given. */
    public static final String CA_FILE = "/etc/edgefm/agent-ca.pem";
    /** The unit file. */
    public static final String UNIT_PATH = "/etc/systemd/system/" + UNIT;
    /** The node's client keystore (mutual TLS), when one is given; its password is in {@code KEYSTORE.password}. */
    public static final String KEYSTORE = "/etc/edgefm/agent.p12";
    /** The unit the Debian package edgefm-agent ships (an install on such a machine writes no unit). */
    public static final String PACKAGED_UNIT = "/usr/lib/systemd/system/" + UNIT;
    /** The state folder (the unit's only writable folder). */
    public static final String STATE = SystemUser.HOME;
    /** The agent's MapDB folder inside it. */
    public static final String DATA = STATE + "/agent";
    /** The default heap of the unit's JVM. */
    public static final String DEFAULT_HEAP = "192m";

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .configure(JsonParser.Feature.ALLOW_COMMENTS, true)
            .configure(JsonParser.Feature.ALLOW_YAML_COMMENTS, true)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** What the device's hardware needs from the unit's device sandbox. */
    public enum Devices {
        /** No accelerator: the unit gets a private {@code /dev} with only the pseudo devices. */
        CPU,
        /** An NVIDIA data-centre or desktop GPU: {@code /dev/nvidia*} stay visible. */
        NVIDIA_GPU,
        /** A Jetson board: {@code /dev/nvhost-*} and {@code /dev/nvmap} stay visible, group {@code video}. */
        JETSON;

        /** The sandbox for a device profile's kind ({@code jetson}, {@code gpu-server}, {@code cpu-server}). */
        public static Devices forProfileKind(String kind) {
            return switch (kind) {
                case "jetson" -> JETSON;
                case "gpu-server" -> NVIDIA_GPU;
                default -> CPU;
            };
        }
    }

    /**
     * What to install.
     *
     * @param root         {@code /} to install in place, another folder to stage an image
     * @param baseConfig   a configuration file to start from, or null (then an installed one under
     *                     {@code root}, if any, else nothing)
     * @param keys         configuration keys given on the command line (they replace the base's)
     * @param passwordFile file whose first line is the MQTT password, or null
     * @param caFile       the broker's CA certificate (PEM) to install, or null
     * @param identity     the node's client certificate and key (mutual TLS), or null
     * @param jar          the agent's release jar to copy
     * @param launcher     the release's {@code bin/edgefm-agent}, or null
     * @param readme       the release's README, or null
     * @param java         the {@code java} the unit runs
     * @param heap         the JVM's {@code -Xmx}
     * @param devices      the device sandbox
     * @param devicesWhy   why that sandbox (a note in the unit)
     */
    public record Request(Path root, Path baseConfig, Map<String, Object> keys, Path passwordFile, Path caFile,
            ClientIdentity identity, Path jar,
            Path launcher, Path readme, Path java, String heap, Devices devices, String devicesWhy) {
        public Request {
            requireNonNull(root, "root is null");
            keys = keys == null ? Map.of() : new LinkedHashMap<>(keys);
            requireNonNull(jar, "jar is null");
            requireNonNull(java, "java is null");
            heap = heap == null ? DEFAULT_HEAP : heap;
            if (!heap.matches("[1-9][0-9]*[kKmMgG]")) {
                throw new EdgeFmException("--heap: '" + heap + "' (expected: a size such as 192m or 2g)");
            }
            requireNonNull(devices, "devices is null");
            devicesWhy = devicesWhy == null ? "" : devicesWhy;
        }
    }

    private AgentInstaller() {
    }

    /**
     * Plans the install.
     *
     * @throws EdgeFmException one line for a bad file or key (the configuration is validated as the
     *                         agent will read it)
     */
    public static InstallPlan plan(Request r) {
        Path root = r.root().toAbsolutePath().normalize();
        boolean staging = root.getParent() != null;
        if (!Files.isRegularFile(r.jar())) {
            throw new EdgeFmException("agent jar " + r.jar() + ": no such file");
        }
        ObjectNode cfg = baseConfig(r.baseConfig(), root.resolve(CONFIG.substring(1)));
        List<String> notes = new ArrayList<>();
        for (Map.Entry<String, Object> e : r.keys().entrySet()) {
            cfg.set(e.getKey(), JSON.valueToTree(e.getValue()));
        }
        Path scenarioFile = null;
        if (r.keys().get("scenario") instanceof String sc && Files.isRegularFile(Path.of(sc))) {
            // a scenario file goes with the install; a built-in name stays a name
            scenarioFile = Path.of(sc);
            cfg.put("scenario", "/etc/edgefm/" + scenarioFile.getFileName());
        }
        if (r.passwordFile() != null) {
            cfg.put("password", readPassword(r.passwordFile()));
            if (!cfg.hasNonNull("username")) {
                cfg.put("username", cfg.path("nodeId").asText(""));
            }
        }
        Path caFile = r.caFile();
        if (caFile != null && !Files.isReadable(caFile)) {
            throw new EdgeFmException("--ca-file " + caFile + ": no such file");
        }
        ClientIdentity id = r.identity();
        if (id != null) {
            // a bundle's fleet, node and broker, unless given on the command line
            id.bundleKeys().forEach((k, val) -> {
                if (!r.keys().containsKey(k)) {
                    cfg.put(k, val);
                }
            });
            if (!r.keys().containsKey("nodeId") && !id.bundleKeys().containsKey("nodeId")) {
                cfg.put("nodeId", id.commonName());
            }
            if (!id.commonName().equals(cfg.path("nodeId").asText())) {
                throw new EdgeFmException("--cert " + id.source() + ": the certificate is for CN '" + id.commonName()
                        + "', not node '" + cfg.path("nodeId").asText() + "' (the broker takes a client certificate's CN as"
                        + " the node id)");
            }
            if (caFile == null) {
                caFile = id.caFile();
            }
            if (caFile == null && !cfg.hasNonNull("tlsCaFile")) {
                throw new EdgeFmException("--cert " + id.source() + ": no CA certificate for the broker (give --ca FILE, the"
                        + " PEM of the CA that signed the broker's certificate; a bundle of 'edgefm fleet provision' has ca.pem)");
            }
            cfg.put("tlsKeystore", KEYSTORE);
            notes.addAll(id.notes(java.time.Instant.now()));
        }
        if (caFile != null) {
            cfg.put("tlsCaFile", CA_FILE);
        }
        if (!cfg.hasNonNull("nodeId")) {
            throw new EdgeFmException("install: no node id (give --node-id ID)");
        }
        if (!cfg.hasNonNull("broker")) {
            throw new EdgeFmException("install: no broker (give --broker URL, e.g. tcp://HOST:1883 or ssl://HOST:8883)");
        }
        if (id != null && !cfg.path("broker").asText().matches("(ssl|wss)://.+")) {
            throw new EdgeFmException("--cert: the broker " + cfg.path("broker").asText() + " is not TLS; a client"
                    + " certificate needs ssl://HOST:8883 (give --broker)");
        }
        String dataDir = cfg.path("dataDir").asText(null);
        if (dataDir == null || !(dataDir.equals(STATE) || dataDir.startsWith(STATE + "/"))) {
            if (dataDir != null) {
                notes.add("dataDir " + dataDir + " replaced by " + DATA + ": the service may write only under " + STATE);
            }
            cfg.put("dataDir", DATA);
        }
        if (!cfg.hasNonNull("httpHost")) {
            // Peers on other machines send task data to this endpoint: listen on every interface
            // and announce the address that routes to the broker.
            cfg.put("httpHost", "0.0.0.0");
        }
        if (!cfg.hasNonNull("advertiseHost") && isWildcard(cfg.path("httpHost").asText())) {
            String guess = staging ? null : routeTo(cfg.path("broker").asText());
            if (guess == null) {
                throw new EdgeFmException("install: give --advertise HOST (the address peers reach this device at)"
                        + (staging ? "; it cannot be detected for a staged image" : "; none routes to the broker"));
            }
            cfg.put("advertiseHost", guess);
            notes.add("advertising " + guess + " (the address that routes to the broker; --advertise HOST to change)");
        }
        AgentConfig config = validate(cfg);
        String json = toJson(cfg);
        ObjectNode masked = cfg.deepCopy();
        if (masked.has("password")) {
            masked.put("password", "(hidden)");
        }

        Map<String, String> v = new LinkedHashMap<>();
        v.put("NOTE", staging ? "Staged for an image; the Java path is the one the install was given or found."
                : "Installed in place.");
        v.put("NODE_ID", config.nodeId());
        v.put("FLEET", config.fleet());
        v.put("JAVA", r.java().toString());
        v.put("HEAP", r.heap());
        v.put("SUPPLEMENTARY_GROUPS", r.devices() == Devices.JETSON
                ? "# Jetson: the GPU's device nodes (/dev/nvhost-*, /dev/nvmap) belong to group video.\nSupplementaryGroups=video" : "");
        v.put("DEVICES", switch (r.devices()) {
            case CPU -> "# " + (r.devicesWhy().isEmpty() ? "no accelerator" : r.devicesWhy())
                    + ": a private /dev with the pseudo devices only.\nPrivateDevices=yes";
            case NVIDIA_GPU -> "# " + (r.devicesWhy().isEmpty() ? "NVIDIA GPU" : r.devicesWhy())
                    + ": nvidia-smi and CUDA need /dev/nvidia*.\nPrivateDevices=no";
            case JETSON -> "# " + (r.devicesWhy().isEmpty() ? "Jetson" : r.devicesWhy())
                    + ": tegrastats and the GPU need /dev/nvhost-* and /dev/nvmap.\nPrivateDevices=no";
        });
        String unit = UnitTemplate.render(UnitTemplate.load(AgentInstaller.class, "install/edgefm-agent.service"), v);

        // The Debian package put the release and its unit in place: write the configuration only.
        boolean packaged = packaged(root, r.jar());
        List<InstallPlan.Step> steps = new ArrayList<>();
        if (!packaged) {
            steps.add(new InstallPlan.CopyFile(Path.of(HOME, "lib/edgefm-agent.jar"), r.jar(), "rw-r--r--"));
            if (r.launcher() != null && Files.isRegularFile(r.launcher())) {
                steps.add(new InstallPlan.CopyFile(Path.of(HOME, "bin/edgefm-agent"), r.launcher(), "rwxr-xr-x"));
            }
            if (r.readme() != null && Files.isRegularFile(r.readme())) {
                steps.add(new InstallPlan.CopyFile(Path.of(HOME, "README.md"), r.readme(), "rw-r--r--"));
            }
            steps.add(new InstallPlan.WriteFile(Path.of("/etc/sysusers.d/edgefm.conf"), SystemUser.sysusersEntry(),
                    SystemUser.sysusersEntry(), "rw-r--r--", null, null));
        }
        String tmpfiles = "# Ownership of the EdgeFM agent's files, applied at boot by systemd-tmpfiles (a staged image).\n"
                + "d " + STATE + " 0750 " + SystemUser.NAME + " " + SystemUser.NAME + " -\n"
                + "z " + CONFIG + " 0640 root " + SystemUser.NAME + " -\n"
                + (KEYSTORE.equals(cfg.path("tlsKeystore").asText(null))
                        ? "z " + KEYSTORE + " 0600 " + SystemUser.NAME + " " + SystemUser.NAME + " -\n"
                        + "z " + KEYSTORE + ".password 0600 " + SystemUser.NAME + " " + SystemUser.NAME + " -\n" : "");
        steps.add(new InstallPlan.WriteFile(Path.of("/etc/tmpfiles.d/edgefm-agent.conf"), tmpfiles, tmpfiles, "rw-r--r--", null, null));
        if (scenarioFile != null) {
            steps.add(new InstallPlan.CopyFile(Path.of(cfg.path("scenario").asText()), scenarioFile, "rw-r--r--"));
        }
        if (caFile != null) {
            steps.add(new InstallPlan.CopyFile(Path.of(CA_FILE), caFile, "rw-r--r--"));
        }
        if (id != null) {
            // owner-only and owned by the service's user: the agent reads them, nobody else
            steps.add(new InstallPlan.WriteSecret(Path.of(KEYSTORE), id.keystore(), "rw-------", SystemUser.NAME));
            steps.add(new InstallPlan.WriteSecret(Path.of(KEYSTORE + ".password"),
                    (id.password() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8), "rw-------", SystemUser.NAME));
        }
        steps.add(new InstallPlan.WriteFile(Path.of(CONFIG), json, toJson(masked), "rw-r-----", "root", SystemUser.NAME));
        steps.add(new InstallPlan.MakeDir(Path.of(STATE), "rwxr-x---", SystemUser.NAME));
        if (packaged) {
            notes.add("the Debian package's unit " + PACKAGED_UNIT + " runs it (JVM options in /etc/default/edgefm-agent):"
                    + " systemctl restart " + UNIT);
            return new InstallPlan(root, steps, notes);
        }
        steps.add(new InstallPlan.WriteFile(Path.of(UNIT_PATH), unit, unit, "rw-r--r--", null, null));

        if (staging) {
            notes.add("staged under " + root + "; the unit runs " + r.java() + " (--java PATH if the image's Java is elsewhere)");
            notes.add("on first boot systemd-sysusers creates the user edgefm and systemd-tmpfiles sets the files' owners;"
                    + " enable the unit in the image with: systemctl --root=" + root + " enable " + UNIT);
        } else {
            notes.add("then: systemctl daemon-reload && systemctl enable --now " + UNIT);
        }
        return new InstallPlan(root, steps, notes);
    }


    /**
     * True when the Debian package installed the release under {@code root}: its unit is in place
     * and the jar being installed is the package's own.
     */
    static boolean packaged(Path root, Path jar) {
        Path packagedJar = root.resolve(HOME.substring(1)).resolve("lib/edgefm-agent.jar");
        try {
            return Files.isRegularFile(root.resolve(PACKAGED_UNIT.substring(1))) && Files.isRegularFile(packagedJar)
                    && Files.isSameFile(jar, packagedJar);
        } catch (IOException e) {
            return false;
        }
    }

    private static ObjectNode baseConfig(Path given, Path installed) {
        Path file = given != null ? given : Files.isRegularFile(installed) ? installed : null;
        if (file == null) {
            return JSON.createObjectNode();
        }
        AgentConfig.load(file); // one-line errors for a bad file
        try {
            return (ObjectNode) JSON.readTree(Files.readString(file));
        } catch (IOException | ClassCastException e) {
            throw new EdgeFmException(file + ": not a JSON object");
        }
    }

    private static String readPassword(Path file) {
        try {
            String first = Files.readAllLines(file).stream().findFirst().orElse("").strip();
            if (first.isEmpty()) {
                throw new EdgeFmException("--password-file " + file + ": empty (expected: the password on its first line)");
            }
            return first;
        } catch (IOException e) {
            throw new EdgeFmException("--password-file " + file + ": cannot read it (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static AgentConfig validate(ObjectNode cfg) {
        try {
            return JSON.treeToValue(cfg, AgentConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new EdgeFmException("install: unknown configuration key '" + e.getPropertyName() + "'");
        } catch (JsonProcessingException e) {
            Throwable c = e.getCause();
            throw new EdgeFmException("install: " + (c instanceof EdgeFmException ? c.getMessage() : e.getOriginalMessage()));
        }
    }

    private static String toJson(ObjectNode n) {
        try {
            return JSON.writeValueAsString(n) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    }

    /**
     * The local address this machine uses to reach the broker's host (a UDP socket's
     * {@code connect} picks the route; nothing is sent), or null when there is none.
     */
    static String routeTo(String brokerUrl) {
        try {
            URI u = URI.create(brokerUrl);
            if (u.getHost() == null) {
                return null;
            }
            InetAddress target = InetAddress.getByName(u.getHost());
            if (target.isLoopbackAddress()) {
                return target.getHostAddress();
            }
            try (DatagramSocket s = new DatagramSocket()) {
                s.connect(new InetSocketAddress(target, u.getPort() > 0 ? u.getPort() : 1883));
                InetAddress local = s.getLocalAddress();
                return local == null || local.isAnyLocalAddress() ? null : local.getHostAddress();
            }
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }
}
