package org.edgefm.host;

import org.edgefm.host.broker.FleetProvisioner;
import org.edgefm.host.broker.EmbeddedBroker;
import org.edgefm.control.FleetModel;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.edgefm.api.Check;
import org.edgefm.api.ConfigException;
import org.edgefm.api.InvalidFieldException;
import org.edgefm.control.LinkEstimator;
import org.edgefm.host.broker.Credentials;

/**
 * The planner host's configuration: a JSON file, with command-line flags taking precedence. Every
 * key is optional; unknown keys are refused with the file and key named. Secrets (keystore and
 * host-account passwords) never appear in {@link #toString()}.
 *
 * @param fleet            fleet name, the {@code {fleet}} topic level (default {@code default})
 * @param hostId           the host's id in {@code host/state} (default {@code host})
 * @param brokerUrl        an external broker ({@code tcp://...} or {@code ssl://...}), or null for the
 *                         embedded one
 * @param brokerBind       the embedded broker's bind address (default {@code 127.0.0.1})
 * @param brokerPort       the embedded broker's plain port (default 1883; 0 = TLS only)
 * @param tlsPort          the embedded broker's TLS port, 0 for none
 * @param keystore         keystore with the TLS server key
 * @param keystorePassword its password
 * @param credentialsFile  the embedded broker's accounts file; null = open broker (development)
 * @param hostUser         the host's broker account (default {@code edgefm-host})
 * @param hostPassword     its password for an external broker (or env {@code EDGEFM_HOST_PASSWORD});
 *                         with the embedded broker a random one is made per run
 * @param httpBind         HTTP bind address (default {@code 127.0.0.1})
 * @param httpPort         HTTP port (default 8080; 0 = any free port; -1 = no HTTP)
 * @param dataDir          folder of the outbox and journal files (default {@code host-data})
 * @param pluginsDir       folder of plugin jars (default {@code plugins})
 * @param planner          a preset or {@code CORE+LIGHT}, or null to run as a bridge only
 * @param scenario         the system model the planners get (file or built-in name); needed with a planner
 * @param slotMs           slot length override, or null for the scenario's
 * @param planningEpochMs  planning epoch override, or null for the scenario's
 * @param staleAfterMs     telemetry older than this marks a node stale (default 10000)
 * @param plannerSettings  planner settings overriding the scenario's
 * @param links            how measured links enter the planners' topology: keys {@code links.estimate},
 *                         {@code links.ewmaWeight}, {@code links.maxAgeMs}, {@code links.rebuildThreshold},
 *                         {@code links.rebuildMinMs}, {@code links.kmPerMs}, {@code links.rebuildNoiseK},
 *                         {@code links.noiseWeight}, {@code links.rebuildMinIntervalMs} (see {@link LinkEstimator.Settings})
 * @param security         broker identity, limits and HTTP API protection (see {@link HostSecurity})
 * @param fleetModel       where the planners' nodes come from: keys {@code fleet.model} (joined or declared),
 *                         {@code fleet.joinSettleMs}, {@code fleet.defaultSpeedFactor} (see {@link FleetModel.Settings})
 * @param advertiseHost    the host name or address agents and users reach this machine at, for the startup
 *                         line (default: the bind addresses as they are)
 * @param coreBudgetMs     time budget of one core-placement call (default 10000)
 * @param fallbackPlanner  the light controller (or preset, for its controller) that decides while the planner's
 *                         controller has never produced a usable decision (default {@code greedy-light};
 *                         {@code none}: no fallback)
 * @param shadowPlanner    a planner (preset or {@code CORE+LIGHT}) run in shadow mode on the live observations,
 *                         its decisions compared with the live ones and never applied, or null for none
 */
public record HostConfig(String fleet, String hostId, String brokerUrl, String brokerBind, int brokerPort, int tlsPort,
        Path keystore, char[] keystorePassword, Path credentialsFile, String hostUser, char[] hostPassword,
        String httpBind, int httpPort, Path dataDir, Path pluginsDir, String planner, String scenario, Double slotMs,
        Double planningEpochMs, double staleAfterMs, Map<String, String> plannerSettings, LinkEstimator.Settings links,
        HostSecurity security, FleetModel.Settings fleetModel, String advertiseHost,
        double coreBudgetMs, String fallbackPlanner, String shadowPlanner) {

    private static final Set<String> KEYS = Set.of("fleet", "hostId", "brokerUrl", "brokerBind", "brokerPort", "tlsPort",
            "keystore", "keystorePassword", "credentialsFile", "hostUser", "hostPassword", "httpBind", "httpPort",
            "dataDir", "pluginsDir", "planner", "scenario", "slotMs", "planningEpochMs", "staleAfterMs", "plannerSettings",
            "links.estimate", "links.ewmaWeight", "links.maxAgeMs", "links.rebuildThreshold", "links.rebuildMinMs",
            "links.kmPerMs", "links.rebuildNoiseK", "links.noiseWeight", "links.rebuildMinIntervalMs",
            "insecure", "clientCa", "broker.maxPacketBytes", "broker.maxRetainedBytes", "broker.publishesPerSecond",
            "broker.publishBurst", "httpTokenFile", "httpHosts", "fleet.model",
            "fleet.joinSettleMs", "fleet.defaultSpeedFactor", "advertiseHost", "coreBudgetMs", "fallbackPlanner",
            "shadowPlanner");

    /** Validates every field. */
    public HostConfig {
        try {
            Check.id(fleet, "fleet");
            Check.id(hostId, "hostId");
            Check.id(hostUser, "hostUser");
        } catch (InvalidFieldException e) {
            throw new ConfigException(e.getMessage());
        }
        port(brokerPort, "brokerPort", 0);
        port(tlsPort, "tlsPort", 0);
        port(httpPort, "httpPort", -1);
        if (tlsPort > 0 && keystore != null && keystorePassword == null) {
            // the keystore's password from its owner-only side file (as ./edgefm fleet provision writes it)
            Path side = FleetProvisioner.password(keystore);
            try {
                keystorePassword = Files.isReadable(side) ? Files.readString(side).strip().toCharArray() : null;
            } catch (IOException e) {
                throw new ConfigException("keystore: cannot read " + side + ": " + e.getMessage());
            }
        }
        if (tlsPort > 0 && (keystore == null || keystorePassword == null)) {
            throw new ConfigException("tlsPort: " + tlsPort + " needs keystore and keystorePassword (or the keystore's"
                    + " FILE.password)");
        }
        if (brokerUrl == null && brokerPort == 0 && tlsPort == 0) {
            throw new ConfigException("brokerPort: 0 (expected: a port, or a tlsPort, or brokerUrl)");
        }
        if (planner != null && scenario == null) {
            throw new ConfigException("planner '" + planner + "' needs a scenario (the system model the planners get)");
        }
        if (shadowPlanner != null && planner == null) {
            throw new ConfigException("shadowPlanner '" + shadowPlanner + "' needs a planner (the shadow runs on the live"
                    + " planner's observations)");
        }
        if (!(staleAfterMs > 0)) {
            throw new ConfigException("staleAfterMs: " + staleAfterMs + " (expected: > 0)");
        }
        plannerSettings = Map.copyOf(plannerSettings == null ? Map.of() : plannerSettings);
        links = links == null ? LinkEstimator.Settings.defaults() : links;
        security = security == null ? HostSecurity.defaults() : security;
        fleetModel = fleetModel == null ? FleetModel.Settings.defaults() : fleetModel;
        if (!(coreBudgetMs > 0) || Double.isInfinite(coreBudgetMs)) {
            throw new ConfigException("coreBudgetMs: " + coreBudgetMs + " (expected: > 0)");
        }
    }

    private static void port(int p, String key, int min) {
        if (p < min || p > 65535) {
            throw new ConfigException(key + ": " + p + " (expected: " + min + " to 65535)");
        }
    }

    /** The defaults. */
    public static HostConfig defaults() {
        return new HostConfig("default", "host", null, "127.0.0.1", 1883, 0, null, null, null,
                Credentials.DEFAULT_HOST_USER, null, "127.0.0.1", 8080, Path.of("host-data"), Path.of("plugins"),
                null, null, null, null, 10_000, Map.of(), LinkEstimator.Settings.defaults(), HostSecurity.defaults(),
                FleetModel.Settings.defaults(), null, 10_000, org.edgefm.control.PluginCallGuard.DEFAULT_FALLBACK, null);
    }

    /** Reads a configuration file over the defaults. */
    public static HostConfig load(Path file) {
        JsonNode tree;
        try {
            tree = new ObjectMapper().readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            throw new ConfigException("config " + file + ": not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException("config " + file + ": cannot read: " + e.getMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw new ConfigException("config " + file + ": expected a JSON object");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = tree.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!KEYS.contains(e.getKey())) {
                throw new ConfigException("config " + file + ": unknown key '" + e.getKey() + "' (known: "
                        + String.join(", ", new java.util.TreeSet<>(KEYS)) + ")");
            }
            JsonNode v = e.getValue();
            if (e.getKey().equals("plannerSettings")) {
                Map<String, String> ps = new LinkedHashMap<>();
                v.fields().forEachRemaining(f -> ps.put(f.getKey(), f.getValue().asText()));
                m.put("plannerSettings", ps);
            } else if (!v.isNull()) {
                m.put(e.getKey(), v.isNumber() ? v.numberValue() : v.asText());
            }
        }
        try {
            return defaults().with(m);
        } catch (ConfigException e) {
            throw new ConfigException("config " + file + ": " + e.getMessage());
        }
    }

    /**
     * This configuration with some keys replaced (flags over file). Values are text or numbers.
     *
     * @throws ConfigException naming the key of a malformed value
     */
    @SuppressWarnings("unchecked")
    public HostConfig with(Map<String, Object> o) {
        return new HostConfig(s(o, "fleet", fleet), s(o, "hostId", hostId), s(o, "brokerUrl", brokerUrl),
                s(o, "brokerBind", brokerBind), i(o, "brokerPort", brokerPort), i(o, "tlsPort", tlsPort),
                p(o, "keystore", keystore), c(o, "keystorePassword", keystorePassword),
                p(o, "credentialsFile", credentialsFile), s(o, "hostUser", hostUser), c(o, "hostPassword", hostPassword),
                s(o, "httpBind", httpBind), i(o, "httpPort", httpPort), p(o, "dataDir", dataDir),
                p(o, "pluginsDir", pluginsDir), s(o, "planner", planner), s(o, "scenario", scenario),
                d(o, "slotMs", slotMs), d(o, "planningEpochMs", planningEpochMs), d(o, "staleAfterMs", staleAfterMs),
                o.containsKey("plannerSettings") ? (Map<String, String>) o.get("plannerSettings") : plannerSettings,
                new LinkEstimator.Settings(o.containsKey("links.estimate") ? LinkEstimator.Mode.parse(String.valueOf(
                        o.get("links.estimate"))) : links.mode(), d(o, "links.ewmaWeight", links.ewmaWeight()),
                        d(o, "links.maxAgeMs", links.maxAgeMs()), d(o, "links.rebuildThreshold", links.rebuildThreshold()),
                        d(o, "links.rebuildMinMs", links.rebuildMinMs()), d(o, "links.kmPerMs", links.kmPerMs()),
                        d(o, "links.rebuildNoiseK", links.rebuildNoiseK()), d(o, "links.noiseWeight", links.noiseWeight()),
                        d(o, "links.rebuildMinIntervalMs", links.rebuildMinIntervalMs())), security(o),
                new FleetModel.Settings(o.containsKey("fleet.model") ? FleetModel.Source.parse(String.valueOf(
                        o.get("fleet.model"))) : fleetModel.source(), d(o, "fleet.joinSettleMs", fleetModel.joinSettleMs()),
                        d(o, "fleet.defaultSpeedFactor", fleetModel.defaultSpeedFactor())),
                s(o, "advertiseHost", advertiseHost), d(o, "coreBudgetMs", coreBudgetMs),
                s(o, "fallbackPlanner", fallbackPlanner), s(o, "shadowPlanner", shadowPlanner));
    }

    private HostSecurity security(Map<String, Object> o) {
        HostSecurity s = security;
        EmbeddedBroker.Limits l = s.limits();
        try {
            l = new EmbeddedBroker.Limits(i(o, "broker.maxPacketBytes", l.maxPacketBytes()),
                    i(o, "broker.maxRetainedBytes", l.maxRetainedBytes()),
                    d(o, "broker.publishesPerSecond", l.publishesPerSecond()), d(o, "broker.publishBurst", l.publishBurst()));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("broker." + e.getMessage());
        }
        boolean insecure = s.insecure();
        if (o.containsKey("insecure")) {
            String v = String.valueOf(o.get("insecure")).trim();
            if (!v.equals("true") && !v.equals("false")) {
                throw new ConfigException("insecure: '" + v + "' (expected: true or false)");
            }
            insecure = Boolean.parseBoolean(v);
        }
        java.util.List<String> hosts = !o.containsKey("httpHosts") ? s.httpHosts()
                : java.util.Arrays.stream(String.valueOf(o.get("httpHosts")).split(",")).map(String::trim)
                        .filter(x -> !x.isEmpty()).toList();
        return new HostSecurity(insecure, p(o, "clientCa", s.clientCa()), l, p(o, "httpTokenFile", s.httpTokenFile()), hosts);
    }

    private static String s(Map<String, Object> o, String k, String dflt) {
        return o.containsKey(k) ? String.valueOf(o.get(k)) : dflt;
    }

    private static char[] c(Map<String, Object> o, String k, char[] dflt) {
        return o.containsKey(k) ? String.valueOf(o.get(k)).toCharArray() : dflt;
    }

    private static Path p(Map<String, Object> o, String k, Path dflt) {
        return o.containsKey(k) ? Path.of(String.valueOf(o.get(k))) : dflt;
    }

    private static int i(Map<String, Object> o, String k, int dflt) {
        if (!o.containsKey(k)) {
            return dflt;
        }
        try {
            return Integer.parseInt(String.valueOf(o.get(k)).trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(k + ": '" + o.get(k) + "' (expected: an integer)");
        }
    }

    private static Double d(Map<String, Object> o, String k, Double dflt) {
        if (!o.containsKey(k)) {
            return dflt;
        }
        try {
            return Double.parseDouble(String.valueOf(o.get(k)).trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(k + ": '" + o.get(k) + "' (expected: a number)");
        }
    }

    @Override
    public String toString() {
        return "HostConfig[fleet=" + fleet + ", hostId=" + hostId + ", broker="
                + (brokerUrl != null ? brokerUrl : "embedded " + brokerBind + ":" + brokerPort
                        + (tlsPort > 0 ? " tls:" + tlsPort : ""))
                + ", credentialsFile=" + credentialsFile + ", hostUser=" + hostUser
                + ", hostPassword=" + (hostPassword == null ? "none" : "***") + ", http=" + httpBind + ":" + httpPort
                + ", dataDir=" + dataDir + ", pluginsDir=" + pluginsDir + ", planner=" + planner
                + ", scenario=" + scenario + (shadowPlanner == null ? "" : ", shadowPlanner=" + shadowPlanner) + ", links=" + links + ", insecure=" + security.insecure()
                + ", clientCa=" + security.clientCa() + ", limits=" + security.limits() + ", fleetModel=" + fleetModel
                + (advertiseHost == null ? "" : ", advertiseHost=" + advertiseHost) + "]";
    }
}
