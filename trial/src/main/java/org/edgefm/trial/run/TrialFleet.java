package org.edgefm.trial.run;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.edgefm.agent.AgentConfig;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.UserSpec;
import org.edgefm.host.PlannerHost;
import org.edgefm.scenario.Scenario;
import org.edgefm.trial.TrialMonitor;

/**
 * The trial's agents: the processes it starts (one per running node) or an existing fleet's agents,
 * the wait until they are up with a directive applied, where each user's tasks enter, and the stop.
 */
final class TrialFleet {
    private final AtomicBoolean stop;
    private final TrialConsole console;
    private final List<AgentProc> procs = new ArrayList<>();

    /**
     * @param stop    set on Ctrl-C: waits end early
     * @param console where the waits show their status
     */
    TrialFleet(AtomicBoolean stop, TrialConsole console) {
        this.stop = stop;
        this.console = console;
    }

    /**
     * The users whose device runs no agent, each with the running node its tasks go to instead
     * (round robin), said on {@code out}; users whose device runs are not in the map.
     */
    static Map<String, String> mapUsers(Scenario scenario, List<NodeSpec> running, PrintWriter out) {
        Map<String, String> origin = new LinkedHashMap<>();
        int rr = 0;
        for (UserSpec u : scenario.users()) {
            boolean up = running.stream().anyMatch(n -> n.id().equals(u.node()));
            if (!up) {
                String to = running.get(rr++ % running.size()).id();
                origin.put(u.id(), to);
                out.printf(Locale.ROOT, "  user %s: device %s is not running; its tasks go to %s%n", u.id(), u.node(), to);
            }
        }
        out.flush();
        return origin;
    }

    /**
     * Starts one agent process per running node, each logging to {@code agentLogs/NODE.log} with the
     * impairment {@code impairment} gives its node id; says which.
     */
    void start(List<String> agentMain, List<NodeSpec> running, String brokerUrl, Map<String, String> accounts, String fleet,
            String scenarioArg, Path work, Path models, Function<String, AgentConfig.Impairment> impairment, Path agentLogs,
            PrintWriter out) throws IOException {
        for (NodeSpec n : running) {
            procs.add(AgentProc.start(agentMain, n, brokerUrl, accounts.get(n.id()), fleet, scenarioArg, work, models,
                    impairment.apply(n.id()), agentLogs.resolve(n.id() + ".log")));
            out.printf(Locale.ROOT, "  agent %-10s profile %-22s log %s%n", n.id(), n.profile() == null ? "(detected)" : n.profile(),
                    agentLogs.resolve(n.id() + ".log"));
        }
    }

    /**
     * Waits until every started agent is born, at least one applied a directive and the directives
     * settled; fails naming an agent that exited, or the counts after {@code timeoutMs}.
     *
     * @return each user's origin: its own device, or the node {@link #mapUsers} chose
     */
    Map<String, String> awaitLocal(TrialMonitor monitor, List<NodeSpec> running, long timeoutMs, Scenario scenario,
            Map<String, String> localOrigins) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!stop.get()) {
            long born = running.stream().filter(n -> monitor.endpoint(n.id()) != null).count();
            long applied = running.stream().filter(n -> monitor.applied(n.id())).count();
            console.status(String.format(Locale.ROOT, "waiting for agents: %d/%d up, %d with an applied directive", born,
                    running.size(), applied));
            if (born == running.size() && applied >= 1 && monitor.directivesSettled()) {
                break;
            }
            for (AgentProc p : procs) {
                if (!p.process.isAlive()) {
                    console.endProgress();
                    throw new EdgeFmException("agent " + p.node + " exited with code " + p.process.exitValue()
                            + " before the trial started; see " + p.log);
                }
            }
            if (System.currentTimeMillis() > deadline) {
                console.endProgress();
                throw new EdgeFmException(String.format(Locale.ROOT, "agents not ready after %.0f s (%d/%d up, %d with an"
                        + " applied directive); see the agent logs, or give them longer with --wait-timeout", timeoutMs / 1000.0, born,
                        running.size(), applied));
            }
            Thread.sleep(250);
        }
        console.endProgress();
        Map<String, String> origin = new LinkedHashMap<>();
        for (UserSpec u : scenario.users()) {
            origin.put(u.id(), localOrigins.getOrDefault(u.id(), u.node()));
        }
        return origin;
    }

    /**
     * Waits until {@code expected} agents of an existing fleet are online (births with fresh
     * telemetry, as the host sees them) and the directives settled; fails naming who is missing.
     * Then says where each user's tasks enter.
     *
     * @return each user's origin among the online agents
     */
    Map<String, String> awaitExisting(PlannerHost host, TrialMonitor monitor, String fleet, int expected, long timeoutMs,
            Scenario scenario, String brokerUrl, PrintWriter out) throws InterruptedException {
        long t0 = System.currentTimeMillis();
        while (!stop.get()) {
            List<String> up = ExistingFleet.online(host.fleet().joined());
            long applied = up.stream().filter(monitor::applied).count();
            console.status(String.format(Locale.ROOT, "waiting for fleet %s: %d/%d agents online, %d with an applied"
                    + " directive", fleet, up.size(), expected, applied));
            if (up.size() >= expected && applied >= 1 && monitor.directivesSettled()) {
                break;
            }
            if (System.currentTimeMillis() - t0 > timeoutMs) {
                console.endProgress();
                throw new EdgeFmException(ExistingFleet.missing(fleet, expected, System.currentTimeMillis() - t0,
                        host.fleet().joined(), scenario, host.fleetModel().unbound(), brokerUrl));
            }
            Thread.sleep(250);
        }
        console.endProgress();
        List<String> lines = new ArrayList<>();
        Map<String, String> origin = ExistingFleet.origins(host.fleetModel(), lines);
        for (Map.Entry<String, String> e : origin.entrySet()) {
            String ep = monitor.endpoint(e.getValue());
            out.printf(Locale.ROOT, "  user %s: tasks enter at %s (%s)%n", e.getKey(), e.getValue(),
                    ep == null ? "no endpoint" : "http://" + ep);
        }
        lines.forEach(out::println);
        out.flush();
        return origin;
    }

    /** Sends every started agent SIGTERM, then waits for each (killing one that does not stop). */
    void stop(PrintWriter err) throws InterruptedException {
        for (AgentProc p : procs) {
            p.terminate();
        }
        for (AgentProc p : procs) {
            p.awaitExit(err);
        }
    }
}
