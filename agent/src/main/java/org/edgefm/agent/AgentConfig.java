package org.edgefm.agent;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.model.TaskType;

/**
 * The agent's configuration: a JSON file (comments allowed, unknown keys refused) whose values
 * command-line flags override. Every value has a named default except where noted; the
 * constructor validates and fills them in. The password never appears in {@link #toString()}.
 *
 * @param fleet             fleet name (topic level), default {@value #DEFAULT_FLEET}
 * @param nodeId            node id, default the host name reduced to {@code [A-Za-z0-9._-]}
 * @param broker            MQTT broker URL, {@code tcp://} or {@code ssl://}, default {@value #DEFAULT_BROKER}
 * @param username          MQTT user name, or null for anonymous
 * @param password          MQTT password, or null
 * @param tlsCaFile         PEM file of the CA that signed the broker's certificate ({@code ssl://}), or
 *                          null for the JVM's trust store
 * @param mqttVersion       {@code 5}, {@code 3.1.1} or {@code auto} (5, falling back to 3.1.1), default auto
 * @param profile           device profile name, or null to detect it
 * @param dataDir           state folder (MapDB file), default {@code ~/.edgefm/agent/NODE}
 * @param modelDir          folder of {@code .npy} weight files, default {@code DATA/models}
 * @param httpHost          address the task and peer HTTP server binds, default 127.0.0.1
 * @param httpPort          its port, 0 for any free one (the birth announces the real one), default 0
 * @param advertiseHost     host peers use to reach this agent, default {@code httpHost}
 * @param telemetryPeriodMs telemetry period, default 1000
 * @param reconnectMinMs    first reconnect delay, default 500
 * @param reconnectMaxMs    reconnect delay cap, default 30000
 * @param calibrate         calibrate the kernels at start, default true
 * @param scenario          a scenario file or built-in name whose task types the agent accepts, or null
 * @param taskTypes         task types given inline (added to the scenario's)
 */
public record AgentConfig(String fleet, String nodeId, String broker, String username, String password, String tlsCaFile,
        String mqttVersion, String profile, String dataDir, String modelDir, String httpHost, Integer httpPort,
        String advertiseHost, Long telemetryPeriodMs, Long reconnectMinMs, Long reconnectMaxMs, Boolean calibrate,
        String scenario, List<TaskType> taskTypes) {

    /** Default fleet. */
    public static final String DEFAULT_FLEET = "default";
    /** Default broker. */
    public static final String DEFAULT_BROKER = "tcp://127.0.0.1:1883";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .configure(JsonParser.Feature.ALLOW_COMMENTS, true)
            .configure(JsonParser.Feature.ALLOW_YAML_COMMENTS, true)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL);

    /** Validates and fills in defaults. */
    public AgentConfig {
        fleet = id(fleet == null ? DEFAULT_FLEET : fleet, "fleet");
        nodeId = id(nodeId == null ? hostNodeId() : nodeId, "nodeId");
        broker = broker == null ? DEFAULT_BROKER : broker;
        if (!broker.matches("(tcp|ssl|ws|wss)://.+")) {
            throw new EdgeFmException("broker: '" + broker + "' (expected: tcp://HOST:PORT or ssl://HOST:PORT)");
        }
        mqttVersion = mqttVersion == null ? "auto" : mqttVersion;
        if (!List.of("auto", "5", "3.1.1").contains(mqttVersion)) {
            throw new EdgeFmException("mqttVersion: '" + mqttVersion + "' (expected: 5, 3.1.1 or auto)");
        }
        dataDir = dataDir == null ? Path.of(System.getProperty("user.home"), ".edgefm", "agent", nodeId).toString() : dataDir;
        modelDir = modelDir == null ? Path.of(dataDir, "models").toString() : modelDir;
        httpHost = httpHost == null ? "127.0.0.1" : httpHost;
        httpPort = httpPort == null ? 0 : httpPort;
        if (httpPort < 0 || httpPort > 65535) {
            throw new EdgeFmException("httpPort: " + httpPort + " (expected: 0-65535)");
        }
        advertiseHost = advertiseHost == null ? httpHost : advertiseHost;
        telemetryPeriodMs = positive(telemetryPeriodMs, 1000L, "telemetryPeriodMs");
        reconnectMinMs = positive(reconnectMinMs, 500L, "reconnectMinMs");
        reconnectMaxMs = positive(reconnectMaxMs, 30_000L, "reconnectMaxMs");
        if (reconnectMaxMs < reconnectMinMs) {
            throw new EdgeFmException("reconnectMaxMs: " + reconnectMaxMs + " (expected: >= reconnectMinMs " + reconnectMinMs + ")");
        }
        calibrate = calibrate == null ? Boolean.TRUE : calibrate;
        taskTypes = taskTypes == null ? List.of() : List.copyOf(taskTypes);
    }

    /** A configuration with every default. */
    public static AgentConfig defaults() {
        return new AgentConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null);
    }

    /**
     * Reads a configuration file.
     *
     * @throws EdgeFmException one line naming the file and the problem
     */
    public static AgentConfig load(Path file) {
        try {
            return MAPPER.readValue(Files.readString(file), AgentConfig.class);
        } catch (NoSuchFileException e) {
            throw new EdgeFmException(file + ": no such file");
        } catch (UnrecognizedPropertyException e) {
            throw new EdgeFmException(file + ": unknown key '" + e.getPropertyName() + "'");
        } catch (JsonProcessingException e) {
            Throwable c = e.getCause() instanceof EdgeFmException ee ? ee : e;
            throw new EdgeFmException(file + ": " + (c instanceof EdgeFmException ? c.getMessage() : e.getOriginalMessage()));
        } catch (IOException e) {
            throw new EdgeFmException(file + ": " + e.getMessage());
        }
    }

    /** This configuration as JSON (with the password, for writing a config file; never log it). */
    public String toJson() {
        try {
            return MAPPER.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A copy with the non-null arguments replacing this configuration's values. */
    public AgentConfig withOverrides(String broker, String nodeId, String fleet, String profile, String dataDir, Integer httpPort) {
        return new AgentConfig(fleet != null ? fleet : this.fleet, nodeId != null ? nodeId : this.nodeId,
                broker != null ? broker : this.broker, username, password, tlsCaFile, mqttVersion,
                profile != null ? profile : this.profile,
                dataDir != null ? dataDir : (nodeId != null && !nodeId.equals(this.nodeId) ? null : this.dataDir),
                modelDir, httpHost, httpPort != null ? httpPort : this.httpPort, advertiseHost,
                telemetryPeriodMs, reconnectMinMs, reconnectMaxMs, calibrate, scenario, taskTypes);
    }

    /** A copy with another telemetry period and calibration switch (tests, benchmarks). */
    public AgentConfig withTiming(long telemetryPeriodMs, boolean calibrate) {
        return new AgentConfig(fleet, nodeId, broker, username, password, tlsCaFile, mqttVersion, profile, dataDir, modelDir,
                httpHost, httpPort, advertiseHost, telemetryPeriodMs, reconnectMinMs, reconnectMaxMs, calibrate, scenario,
                taskTypes);
    }

    @Override
    public String toString() {
        return "AgentConfig[fleet=" + fleet + ", nodeId=" + nodeId + ", broker=" + broker + ", username=" + username
                + ", password=" + (password == null ? "(none)" : "(hidden)") + ", tlsCaFile=" + tlsCaFile
                + ", mqttVersion=" + mqttVersion + ", profile=" + profile + ", dataDir=" + dataDir + ", http="
                + httpHost + ":" + httpPort + ", telemetryPeriodMs=" + telemetryPeriodMs + ", scenario=" + scenario
                + ", taskTypes=" + taskTypes.size() + "]";
    }

    private static String id(String v, String field) {
        if (!ID.matcher(v).matches()) {
            throw new EdgeFmException(field + ": '" + v + "' (expected: 1-64 of [A-Za-z0-9._-], starting with a letter or digit)");
        }
        return v;
    }

    private static Long positive(Long v, long dflt, String field) {
        long x = v == null ? dflt : v;
        if (x <= 0) {
            throw new EdgeFmException(field + ": " + x + " (expected: > 0)");
        }
        return x;
    }

    private static String hostNodeId() {
        String h;
        try {
            h = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            h = "agent";
        }
        h = h.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-");
        if (h.isEmpty() || !Character.isLetterOrDigit(h.charAt(0))) {
            h = "agent-" + h;
        }
        return h.length() > 64 ? h.substring(0, 64) : h;
    }
}
