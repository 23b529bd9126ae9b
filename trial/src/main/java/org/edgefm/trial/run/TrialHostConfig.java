package org.edgefm.trial.run;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.control.PluginsFolder;
import org.edgefm.host.HostConfig;
import org.edgefm.host.broker.Credentials;
import org.edgefm.scenario.ScenarioLoader;

/**
 * The in-process planner host's configuration for a trial: fleet, planners, the scenario (with the
 * streams' origins where the trial sends them), the plugins folder, and the broker: {@code --broker}
 * with the host's account from {@code --broker-accounts}, or the embedded broker with this run's own
 * accounts (one random password per local agent, written only to the broker's credentials file).
 */
final class TrialHostConfig {
    /** The broker account of the host. */
    static final String HOST_ACCOUNT = "edgefm-host";

    private TrialHostConfig() {
    }

    /**
     * The host's configuration; adds this run's per-agent accounts to {@code plan.accounts} when the
     * broker is the embedded one.
     *
     * @param work         the trial's temporary folder (journal, credentials, host scenario)
     * @param localOrigins users whose device runs no agent, each with the node its tasks go to
     */
    static HostConfig build(TrialPlan plan, String fleet, Path work, Map<String, String> localOrigins) throws IOException {
        Map<String, String> accounts = plan.accounts;
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("fleet", fleet);
        o.put("planner", plan.planner);
        o.put("fallbackPlanner", plan.fallbackPlanner);
        if (plan.shadow != null) {
            o.put("shadowPlanner", plan.shadow);
        }
        o.put("scenario", plan.scenarioArg);
        if (!plan.fleetMode && !localOrigins.isEmpty()) {
            // the host plans each stream where its tasks enter: at the node the trial sends them to
            Path hostScenario = work.resolve("host-scenario.json");
            Files.writeString(hostScenario, ScenarioLoader.toJson(ExistingFleet.withOrigins(plan.scenario, localOrigins)));
            o.put("scenario", hostScenario.toString());
        }
        o.put("dataDir", work.resolve("host").toString());
        o.put("pluginsDir", pluginsFolder(plan.pluginsDir).toString());
        o.put("httpPort", 0);
        if (plan.broker != null) {
            o.put("brokerUrl", plan.broker);
            if (!accounts.isEmpty()) {
                o.put("hostUser", HOST_ACCOUNT);
                o.put("hostPassword", accounts.get(HOST_ACCOUNT));
            }
        } else {
            if (plan.brokerPort != null || plan.hostConfig == null) {
                o.put("brokerPort", plan.brokerPort != null ? plan.brokerPort : TrialRunner.freePort());
            }
            if (plan.bind != null) {
                o.put("brokerBind", plan.bind);
            }
            // the embedded broker gets this run's own accounts: one per local agent;
            // the agents of an existing fleet log in with the accounts given by --broker-accounts
            perRunAccounts(plan.running).forEach(accounts::putIfAbsent);
            Path credentials = work.resolve("credentials");
            Map<String, char[]> pw = new LinkedHashMap<>();
            accounts.forEach((u, p) -> pw.put(u, p.toCharArray()));
            Credentials.write(credentials, pw);
            o.put("credentialsFile", credentials.toString());
        }
        return (plan.hostConfig == null ? HostConfig.defaults() : HostConfig.load(plan.hostConfig)).with(o);
    }

    /**
     * The plugins folder: {@code --plugins-dir} (must exist), else {@code EDGEFM_PLUGINS} (must exist), else
     * {@code plugins/} next to the installation; a missing default is mentioned once.
     */
    static Path pluginsFolder(Path flag) {
        PluginsFolder f = PluginsFolder.resolve(flag);
        f.mentionIfMissing();
        return f.path();
    }

    /** Random passwords for this run: one account per running node; never written in clear. */
    static Map<String, String> perRunAccounts(List<NodeSpec> running) {
        java.security.SecureRandom r = new java.security.SecureRandom();
        Map<String, String> m = new LinkedHashMap<>();
        for (NodeSpec n : running) {
            byte[] b = new byte[18];
            r.nextBytes(b);
            m.put(n.id(), java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b));
        }
        return m;
    }

    /**
     * Reads {@code USER:PASSWORD} lines (blank lines and {@code #} comments skipped); the host's
     * account (when {@code needsHost}) and one per running node must be there.
     */
    static Map<String, String> readAccounts(Path file, List<NodeSpec> running, boolean needsHost) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new EdgeFmException("--broker-accounts " + file + ": no such file");
        }
        Map<String, String> m = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || colon == line.length() - 1) {
                throw new EdgeFmException("--broker-accounts " + file + " line " + (i + 1) + ": expected USER:PASSWORD");
            }
            m.put(line.substring(0, colon), line.substring(colon + 1));
        }
        List<String> needed = new ArrayList<>(needsHost ? List.of(HOST_ACCOUNT) : List.of());
        running.forEach(n -> needed.add(n.id()));
        List<String> missing = needed.stream().filter(u -> !m.containsKey(u)).toList();
        if (!missing.isEmpty()) {
            throw new EdgeFmException("--broker-accounts " + file + ": no account for " + String.join(", ", missing));
        }
        return m;
    }

    /** Fails naming the URL when {@code --broker} is not a tcp/ssl URL or does not accept a connection within 3 s. */
    static void checkReachable(String url) {
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new EdgeFmException("--broker " + url + ": not a URL (expected tcp://host:port)");
        }
        if (u.getHost() == null || !("tcp".equals(u.getScheme()) || "ssl".equals(u.getScheme()))) {
            throw new EdgeFmException("--broker " + url + ": expected tcp://host:port or ssl://host:port");
        }
        int port = u.getPort() > 0 ? u.getPort() : ("ssl".equals(u.getScheme()) ? 8883 : 1883);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(u.getHost(), port), 3000);
        } catch (IOException e) {
            throw new EdgeFmException("--broker " + url + ": unreachable (" + e.getMessage() + ")");
        }
    }
}
