package org.edgefm.agent;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.annotation.JsonIgnore;
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
 * @param nodeId            node id, default the host name reduced to {@code [a-z0-9_-]}
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
 * @param links             link measurement to peers ({@code links.*}), default {@link Links#defaults()}
 * @param impairment        impairment imposed on this agent's outgoing data-plane traffic
 *                          ({@code impairment.*}), default none
 * @param labels            labels announced in the birth (as {@code camera}); a stream may name a label as
 *                          its origin and the host binds it to a joined node carrying it; default none
 * @param tlsKeystore       PKCS#12 file with this node's client key and certificate (mutual TLS, CN = node
 *                          id; {@code ./edgefm fleet provision} writes it), its password in {@code FILE.password}
 *                          (owner-only) or the environment variable {@code EDGEFM_TLS_KEYSTORE_PASSWORD}; or null
 * @param sequenceCacheMb   MiB of key/value caches each decoder model part keeps for the sequences it serves
 *                          token by token (least recently used dropped past it), 1 to 65536, default 64
 */
public record AgentConfig(String fleet, String nodeId, String broker, String username, String password, String tlsCaFile,
        String mqttVersion, String profile, String dataDir, String modelDir, String httpHost, Integer httpPort,
        String advertiseHost, Long telemetryPeriodMs, Long reconnectMinMs, Long reconnectMaxMs, Boolean calibrate,
        String scenario, List<TaskType> taskTypes, Links links, Impairment impairment, List<String> labels,
        String tlsKeystore, Integer sequenceCacheMb) {

    /**
     * How the agent measures the links to the peers it exchanges task data with: passively from
     * every stage transfer, and actively with a small round-trip probe and a throughput probe per
     * peer every {@code probeIntervalS}.
     *
     * @param probeIntervalS     seconds between active probes of each peer, 0 = passive only (default 5)
     * @param probeBytes         size of the throughput probe in bytes (default 65536)
     * @param minThroughputBytes transfers smaller than this count as round-trip samples only, since
     *                           their time is mostly round trip (default 16384)
     * @param minSendShare       the least share of a transfer's time counted as sending when the round
     *                           trip is subtracted, in (0, 1] (default 0.1; see the agent README)
     * @param ewmaWeight         weight of a new sample in the smoothed figures, in (0, 1] (default 0.3)
     * @param maxAgeS            a peer not measured for this long is no longer reported (default 60)
     * @param window             samples whose median is one step of the smoothed figures, 1 to 64 (default 5;
     *                           1 = every sample, as a plain EWMA)
     */
    public record Links(Double probeIntervalS, Integer probeBytes, Integer minThroughputBytes, Double minSendShare,
            Double ewmaWeight, Double maxAgeS, Integer window) {
        /** Validates and fills in defaults. */
        public Links {
            probeIntervalS = probeIntervalS == null ? 5.0 : probeIntervalS;
            if (!(probeIntervalS >= 0) || probeIntervalS.isInfinite()) {
                throw new EdgeFmException("links.probeIntervalS: " + probeIntervalS + " (expected: >= 0; 0 disables probes)");
            }
            probeBytes = probeBytes == null ? 65_536 : probeBytes;
            if (probeBytes < 1 || probeBytes > 4 << 20) {
                throw new EdgeFmException("links.probeBytes: " + probeBytes + " (expected: 1 to 4194304)");
            }
            minThroughputBytes = minThroughputBytes == null ? 16_384 : minThroughputBytes;
            if (minThroughputBytes < 1) {
                throw new EdgeFmException("links.minThroughputBytes: " + minThroughputBytes + " (expected: >= 1)");
            }
            minSendShare = minSendShare == null ? 0.1 : minSendShare;
            if (!(minSendShare > 0 && minSendShare <= 1)) {
                throw new EdgeFmException("links.minSendShare: " + minSendShare + " (expected: in (0, 1])");
            }
            ewmaWeight = ewmaWeight == null ? 0.3 : ewmaWeight;
            if (!(ewmaWeight > 0 && ewmaWeight <= 1)) {
                throw new EdgeFmException("links.ewmaWeight: " + ewmaWeight + " (expected: in (0, 1])");
            }
            maxAgeS = maxAgeS == null ? 60.0 : maxAgeS;
            if (!(maxAgeS > 0)) {
                throw new EdgeFmException("links.maxAgeS: " + maxAgeS + " (expected: > 0)");
            }
            window = window == null ? 5 : window;
            if (window < 1 || window > 64) {
                throw new EdgeFmException("links.window: " + window + " (expected: 1 to 64)");
            }
        }

        /** Every default. */
        public static Links defaults() {
            return new Links(null, null, null, null, null, null, null);
        }
    }

    /**
     * An impairment this agent imposes on what it sends on the data plane (stage transfers, probes
     * and the answers to its peers' requests), in process, the way {@code tc netem} would on its
     * interface: each send waits {@code delayMs}, then for the link's serialisation at
     * {@code bandwidthMbps} (one queue per agent, first come first served), and a send that is
     * "lost" (probability {@code lossRate}) waits a further {@code lossPenaltyMs}, as a TCP
     * retransmission would; nothing is dropped, since the transfers run over TCP.
     *
     * @param delayMs       added one-way delay in ms (default 0)
     * @param lossRate      probability that a send is lost once, in [0, 1) (default 0)
     * @param bandwidthMbps rate cap in Mbit/s, 0 = none (default 0)
     * @param lossPenaltyMs the retransmission wait of a lost send in ms (default 200, Linux's minimum
     *                      TCP retransmission timeout)
     * @param gateFile      when set, the impairment applies only while this file exists (looked for at most every
     *                      100 ms), so that it can start and end during a run; null = always (default)
     */
    public record Impairment(Double delayMs, Double lossRate, Double bandwidthMbps, Double lossPenaltyMs,
            String gateFile) {
        /** Validates and fills in defaults. */
        public Impairment {
            delayMs = nonNegative(delayMs, "impairment.delayMs");
            lossRate = lossRate == null ? 0.0 : lossRate;
            if (!(lossRate >= 0 && lossRate < 1)) {
                throw new EdgeFmException("impairment.lossRate: " + lossRate + " (expected: in [0, 1))");
            }
            bandwidthMbps = nonNegative(bandwidthMbps, "impairment.bandwidthMbps");
            lossPenaltyMs = lossPenaltyMs == null ? 200.0 : nonNegative(lossPenaltyMs, "impairment.lossPenaltyMs");
        }

        /** No impairment. */
        public static Impairment none() {
            return new Impairment(null, null, null, null, null);
        }

        /** An impairment without a gate file. */
        public Impairment(Double delayMs, Double lossRate, Double bandwidthMbps, Double lossPenaltyMs) {
            this(delayMs, lossRate, bandwidthMbps, lossPenaltyMs, null);
        }

        /**
         * The same impairment, applied only while {@code file} exists ({@code impairment.gateFile}):
         * whoever started the agent switches it on and off by creating and deleting the file.
         */
        public Impairment withGateFile(String file) {
            return new Impairment(delayMs, lossRate, bandwidthMbps, lossPenaltyMs, file);
        }

        /** True when this impairment changes nothing. */
        @JsonIgnore
        public boolean isNone() {
            return delayMs == 0 && lossRate == 0 && bandwidthMbps == 0;
        }

        /**
         * Parses a profile such as {@code delay=50ms,loss=1%,rate=20mbit}: {@code delay} in ms (unit
         * {@code ms} or {@code s}), {@code loss} in % or as a fraction, {@code rate} in {@code kbit},
         * {@code mbit} or {@code gbit} (the {@code tc} spellings); {@code none} or an empty text is no
         * impairment.
         *
         * @throws EdgeFmException naming the part that is wrong
         */
        public static Impairment parse(String profile) {
            if (profile == null || profile.isBlank() || profile.trim().equals("none")) {
                return none();
            }
            Double delay = null;
            Double loss = null;
            Double rate = null;
            for (String part : profile.split(",")) {
                String p = part.trim().toLowerCase(Locale.ROOT);
                int eq = p.indexOf('=');
                String key = eq < 0 ? p : p.substring(0, eq).trim();
                String v = eq < 0 ? "" : p.substring(eq + 1).trim();
                try {
                    switch (key) {
                        case "delay" -> delay = v.endsWith("ms") ? number(v, 2) : v.endsWith("s") ? number(v, 1) * 1000
                                : number(v, 0);
                        case "loss" -> loss = v.endsWith("%") ? number(v, 1) / 100 : number(v, 0);
                        case "rate" -> rate = v.endsWith("gbit") ? number(v, 4) * 1000 : v.endsWith("mbit") ? number(v, 4)
                                : v.endsWith("kbit") ? number(v, 4) / 1000 : number(v, 0);
                        default -> throw new EdgeFmException("impairment '" + profile + "': unknown part '" + part.trim()
                                + "' (expected: delay=MS, loss=PCT%, rate=Nmbit)");
                    }
                } catch (NumberFormatException e) {
                    throw new EdgeFmException("impairment '" + profile + "': '" + part.trim()
                            + "' is not a number with a unit (expected e.g. delay=50ms, loss=1%, rate=20mbit)");
                }
            }
            return new Impairment(delay, loss, rate, null, null);
        }

        private static double number(String v, int unitChars) {
            return Double.parseDouble(v.substring(0, v.length() - unitChars).trim());
        }

        /** The profile in the form {@link #parse} reads. */
        public String describe() {
            if (isNone()) {
                return "none";
            }
            List<String> parts = new java.util.ArrayList<>();
            if (delayMs > 0) {
                parts.add(String.format(Locale.ROOT, "delay=%sms", trim(delayMs)));
            }
            if (lossRate > 0) {
                parts.add(String.format(Locale.ROOT, "loss=%s%%", trim(lossRate * 100)));
            }
            if (bandwidthMbps > 0) {
                parts.add(String.format(Locale.ROOT, "rate=%smbit", trim(bandwidthMbps)));
            }
            return String.join(",", parts);
        }

        private static String trim(double d) {
            return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
        }

        private static Double nonNegative(Double v, String field) {
            double x = v == null ? 0.0 : v;
            if (!(x >= 0) || Double.isInfinite(x)) {
                throw new EdgeFmException(field + ": " + x + " (expected: >= 0)");
            }
            return x;
        }
    }

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
        nodeId = nodeIdOf(nodeId == null ? hostNodeId() : nodeId);
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
        links = links == null ? Links.defaults() : links;
        impairment = impairment == null ? Impairment.none() : impairment;
        labels = labels == null ? List.of() : List.copyOf(labels);
        if (labels.size() > 16) {
            throw new EdgeFmException("labels: " + labels.size() + " labels (expected: at most 16)");
        }
        for (String l : labels) {
            id(l, "labels");
        }
        sequenceCacheMb = sequenceCacheMb == null ? DEFAULT_SEQUENCE_CACHE_MB : sequenceCacheMb;
        if (sequenceCacheMb < 1 || sequenceCacheMb > 65_536) {
            throw new EdgeFmException("sequenceCacheMb: " + sequenceCacheMb + " (expected: 1 to 65536 MiB a decoder part)");
        }
    }

    /** Default of {@code sequenceCacheMb}: 64 MiB of key/value caches a decoder part. */
    public static final int DEFAULT_SEQUENCE_CACHE_MB = 64;

    /** {@code sequenceCacheMb} in bytes. */
    public long sequenceCacheBytes() {
        return (long) sequenceCacheMb << 20;
    }

    /** A configuration without labels. */
    public AgentConfig(String fleet, String nodeId, String broker, String username, String password, String tlsCaFile,
            String mqttVersion, String profile, String dataDir, String modelDir, String httpHost, Integer httpPort,
            String advertiseHost, Long telemetryPeriodMs, Long reconnectMinMs, Long reconnectMaxMs, Boolean calibrate,
            String scenario, List<TaskType> taskTypes, Links links, Impairment impairment) {
        this(fleet, nodeId, broker, username, password, tlsCaFile, mqttVersion, profile, dataDir, modelDir, httpHost,
                httpPort, advertiseHost, telemetryPeriodMs, reconnectMinMs, reconnectMaxMs, calibrate, scenario, taskTypes,
                links, impairment, List.of(), null, null);
    }

    /** A configuration with every default. */
    public static AgentConfig defaults() {
        return new AgentConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null);
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
                telemetryPeriodMs, reconnectMinMs, reconnectMaxMs, calibrate, scenario, taskTypes, links, impairment, labels, tlsKeystore,
                sequenceCacheMb);
    }

    /**
     * A copy with the non-null network and identity arguments replacing this configuration's values
     * ({@code --bind}, {@code --advertise}, {@code --label}, {@code --scenario}).
     *
     * @param httpHost      the task and peer server's bind address, or null
     * @param advertiseHost the host peers and the workload use to reach it, or null
     * @param labels        labels, or null to keep these
     * @param scenario      the scenario whose task types the agent accepts, or null
     */
    public AgentConfig withNetwork(String httpHost, String advertiseHost, List<String> labels, String scenario) {
        String bind = httpHost != null ? httpHost : this.httpHost;
        // an advertised host that only followed the old bind address follows the new one
        String adv = advertiseHost != null ? advertiseHost
                : (httpHost != null && this.advertiseHost.equals(this.httpHost) ? null : this.advertiseHost);
        return new AgentConfig(fleet, nodeId, broker, username, password, tlsCaFile, mqttVersion, profile, dataDir, modelDir,
                bind, httpPort, adv, telemetryPeriodMs, reconnectMinMs, reconnectMaxMs, calibrate,
                scenario != null ? scenario : this.scenario, taskTypes, links, impairment, labels != null ? labels : this.labels,
                tlsKeystore, sequenceCacheMb);
    }

    /** A copy with another telemetry period and calibration switch (tests, benchmarks). */
    public AgentConfig withTiming(long telemetryPeriodMs, boolean calibrate) {
        return new AgentConfig(fleet, nodeId, broker, username, password, tlsCaFile, mqttVersion, profile, dataDir, modelDir,
                httpHost, httpPort, advertiseHost, telemetryPeriodMs, reconnectMinMs, reconnectMaxMs, calibrate, scenario,
                taskTypes, links, impairment, labels, tlsKeystore, sequenceCacheMb);
    }

    @Override
    public String toString() {
        return "AgentConfig[fleet=" + fleet + ", nodeId=" + nodeId + ", broker=" + broker + ", username=" + username
                + ", password=" + (password == null ? "(none)" : "(hidden)") + ", tlsCaFile=" + tlsCaFile
                + ", mqttVersion=" + mqttVersion + ", profile=" + profile + ", dataDir=" + dataDir + ", http="
                + httpHost + ":" + httpPort + ", telemetryPeriodMs=" + telemetryPeriodMs + ", scenario=" + scenario
                 + ", taskTypes=" + taskTypes.size() + ", labels=" + labels + ", links=" + links + ", impairment=" + impairment.describe() + "]";
    }

    private static String nodeIdOf(String v) {
        if (!org.edgefm.api.Check.NODE_ID.matcher(v).matches()) {
            throw new EdgeFmException("nodeId: '" + v + "' (expected: 1-64 of [A-Za-z0-9_-], starting with a letter or"
                    + " digit: a node id is a topic level and the broker account)");
        }
        return v;
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
        h = h.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "-");
        if (h.isEmpty() || !Character.isLetterOrDigit(h.charAt(0))) {
            h = "agent-" + h;
        }
        return h.length() > 64 ? h.substring(0, 64) : h;
    }
}
