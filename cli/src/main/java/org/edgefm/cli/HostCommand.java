package org.edgefm.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.edgefm.host.HostConfig;
import org.edgefm.host.PlannerHost;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code edgefm host}: runs the planner host until stopped (Ctrl-C or SIGTERM). */
@Command(name = "host", mixinStandardHelpOptions = true,
        description = "Run the planner host: MQTT broker (embedded, or --broker), fleet state, plugins, control loop, "
                + "durable directives, HTTP API, /metrics and dashboard. Flags override the configuration file. "
                + "With --add-account USER, add a broker account to the --credentials file (password read from "
                + "standard input) and exit.",
        subcommands = {HostInstallCommand.class})
final class HostCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "Host configuration (JSON; see broker-bridge/README.md).")
    Path config;

    @Option(names = "--broker", paramLabel = "URL", description = "Use an external broker (tcp://host:port or ssl://host:port).")
    String broker;

    @Option(names = "--broker-port", paramLabel = "N", description = "Port of the embedded broker (default 1883).")
    Integer brokerPort;

    @Option(names = "--bind", paramLabel = "ADDR", description = "Address the embedded broker and the HTTP API listen on"
            + " (config keys brokerBind and httpBind; default 127.0.0.1: this machine only; 0.0.0.0 or an interface"
            + " address for agents on other machines, with --credentials).")
    String bind;

    @Option(names = "--advertise", paramLabel = "HOST", description = "The name or address agents and browsers reach"
            + " this machine at, for the startup line that says what to give each agent as --broker (config key"
            + " advertiseHost; default: the bind address).")
    String advertise;

    @Option(names = "--http-port", paramLabel = "N", description = "HTTP port (default 8080; 0 = any free port; -1 = off).")
    Integer httpPort;

    @Option(names = "--fleet", paramLabel = "NAME", description = "Fleet name, the topic level under edgefm/v1/.")
    String fleet;

    @Option(names = "--planner", paramLabel = "NAME", description = "A preset or CORE+LIGHT (./edgefm plugins lists them).")
    String planner;

    @Option(names = "--scenario", paramLabel = "FILE|NAME", description = "The system model the planners get.")
    String scenario;

    @Option(names = "--credentials", paramLabel = "FILE", description = "Broker accounts of the embedded broker.")
    Path credentials;

    @Option(names = "--client-ca", paramLabel = "PEM", description = "Fleet CA: the embedded broker accepts client"
            + " certificates it signed (mutual TLS, CN = node id; needs a TLS port). See ./edgefm fleet provision.")
    Path clientCa;

    @Option(names = "--insecure", description = "Allow running without --credentials or --client-ca: an open broker"
            + " that any local (or, off loopback, any network) client may publish to. For a closed test network only.")
    boolean insecure;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Outbox and journal files (default host-data).")
    Path dataDir;

    @Option(names = "--plugins-dir", paramLabel = "DIR",
            description = "Folder of plugin jars; it must exist (default: $EDGEFM_PLUGINS, else plugins/ next to the installation).")
    Path pluginsDir;

    @Option(names = "--fallback-planner", paramLabel = "NAME",
            description = "Light controller that decides while the planner's controller has never produced a usable"
                    + " decision (default greedy-light; none: no fallback).")
    String fallbackPlanner;

    @Option(names = "--shadow", paramLabel = "PLANNER", description = "Also run PLANNER (a preset or CORE+LIGHT) in shadow"
            + " mode: it decides on the live observations on its own thread, its decisions are compared with the live ones"
            + " (GET /api/shadow, edgefm_shadow_* meters) and never applied.")
    String shadow;

    @Option(names = "--add-account", paramLabel = "USER",
            description = "Add or replace USER (a node id, or the host account) in the --credentials file; the password is read from standard input.")
    String addAccount;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (addAccount != null) {
            return addAccount();
        }
        if (broker != null && brokerPort != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--broker and --broker-port exclude each other");
        }
        HostConfig base = config == null ? HostConfig.defaults() : HostConfig.load(config);
        Map<String, Object> o = new LinkedHashMap<>();
        put(o, "brokerUrl", broker);
        put(o, "brokerPort", brokerPort);
        put(o, "httpPort", httpPort);
        put(o, "fleet", fleet);
        put(o, "planner", planner);
        put(o, "scenario", scenario);
        put(o, "credentialsFile", credentials);
        put(o, "dataDir", dataDir);
        if (pluginsDir != null || config == null || base.pluginsDir().equals(Path.of("plugins"))) {
            // the config file's folder stands unless the flag overrides it
            put(o, "pluginsDir", PluginsCli.folder(pluginsDir));
        }
        put(o, "clientCa", clientCa);
        put(o, "fallbackPlanner", fallbackPlanner);
        put(o, "shadowPlanner", shadow);
        if (insecure) {
            o.put("insecure", "true");
        }
        put(o, "brokerBind", bind);
        put(o, "httpBind", bind);
        put(o, "advertiseHost", advertise);
        HostConfig cfg = base.with(o);
        if (cfg.brokerUrl() == null && cfg.credentialsFile() == null && cfg.security().clientCa() == null
                && !cfg.security().insecure()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "host: the embedded broker needs accounts:"
                    + " --credentials FILE (./edgefm host --add-account NODE --credentials FILE) or --client-ca PEM"
                    + " (./edgefm fleet provision); --insecure runs an open broker (closed test networks only)");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        PlannerHost host = new PlannerHost(cfg, HostCommand.class.getClassLoader()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            host.close();
            stopped.countDown();
        }, "edgefm-host-stop"));
        spec.commandLine().getOut().println("planner host running: broker " + host.brokerUrl() + ", HTTP "
                + (host.httpPort() < 0 ? "off" : "http://" + cfg.httpBind() + ":" + host.httpPort() + "/")
                + ", planner " + (cfg.planner() == null ? "none" : cfg.planner()) + " (Ctrl-C stops)");
        if (host.httpToken() != null && host.httpToken().created()) {
            // printed this once; it stays in the token file (owner-only) for scrapers and later logins
            spec.commandLine().getOut().println("HTTP API token (new; Authorization: Bearer TOKEN, dashboard: /login?token=TOKEN): "
                    + host.httpToken().token());
        }
        spec.commandLine().getOut().println(host.reachability());
        stopped.await();
        return 0;
    }

    private int addAccount() throws java.io.IOException {
        if (credentials == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--add-account needs --credentials FILE");
        }
        if (!org.edgefm.api.Check.NODE_ID.matcher(addAccount).matches()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--add-account: '" + addAccount
                    + "' (expected: 1-64 of A-Z a-z 0-9 _ -)");
        }
        String pw = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                java.nio.charset.StandardCharsets.UTF_8)).readLine();
        if (pw == null || pw.isEmpty()) {
            throw new org.edgefm.api.ConfigException("--add-account: no password on standard input");
        }
        java.util.List<String> lines = java.nio.file.Files.exists(credentials)
                ? new java.util.ArrayList<>(java.nio.file.Files.readAllLines(credentials)) : new java.util.ArrayList<>();
        lines.removeIf(l -> l.startsWith(addAccount + ":"));
        lines.add(addAccount + ":" + org.edgefm.host.broker.Credentials.hash(pw.toCharArray()));
        org.edgefm.host.broker.Credentials.writeOwnerOnly(credentials, lines);
        org.edgefm.host.broker.Credentials.load(credentials); // validates what was written
        spec.commandLine().getOut().println("account '" + addAccount + "' written to " + credentials);
        return 0;
    }

    private static void put(Map<String, Object> o, String key, Object value) {
        if (value != null) {
            o.put(key, value.toString());
        }
    }
}
