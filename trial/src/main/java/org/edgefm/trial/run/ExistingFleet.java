package org.edgefm.trial.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.UserSpec;
import org.edgefm.scenario.Scenario;
import org.edgefm.control.FleetModel;
import org.edgefm.control.JoinedNode;

/**
 * What {@code edgefm trial --agents 0} (an existing fleet) needs besides a local trial: how many
 * agents to wait for, the line that names who is missing when they do not come, and each stream's
 * origin as the host's fleet model bound it.
 */
final class ExistingFleet {
    private ExistingFleet() {
    }

    /**
     * The number of agents to wait for: {@code --wait-for}, else the scenario's pinned nodes.
     *
     * @return the count, or -1 when neither says (the scenario pins no nodes and no --wait-for)
     */
    static int waitFor(Integer waitFor, Scenario scenario) {
        if (waitFor != null) {
            return waitFor;
        }
        return scenario.pinsNodes() ? scenario.topology().nodes().size() : -1;
    }

    /** True when {@code n} agents are online (births with fresh telemetry). */
    static List<String> online(List<JoinedNode> joined) {
        return joined.stream().filter(JoinedNode::online).map(JoinedNode::id).sorted().toList();
    }

    /**
     * The one line a trial that gave up waiting prints: who joined, who is missing (the scenario's
     * pinned nodes that have not joined, else how many more), joined nodes that went offline, and the
     * streams whose origin has not joined.
     */
    static String missing(String fleet, int expected, long waitedMs, List<JoinedNode> joined, Scenario scenario,
            Map<String, String> unbound, String broker) {
        List<String> up = online(joined);
        Set<String> offline = new TreeSet<>();
        joined.stream().filter(j -> !j.online()).forEach(j -> offline.add(j.id()));
        List<String> pinnedMissing = new ArrayList<>();
        for (NodeSpec n : scenario.topology().nodes()) {
            if (!up.contains(n.id())) {
                pinnedMissing.add(n.id());
            }
        }
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "fleet %s: %d of %d agent(s) online after %d s",
                fleet, up.size(), expected, waitedMs / 1000));
        b.append(up.isEmpty() ? " (none joined)" : " (" + String.join(", ", up) + ")");
        if (!pinnedMissing.isEmpty()) {
            b.append("; missing: ").append(String.join(", ", pinnedMissing)).append(" (pinned by scenario ")
                    .append(scenario.name()).append(")");
        } else {
            b.append("; missing: ").append(Math.max(0, expected - up.size())).append(" more agent(s) (scenario ")
                    .append(scenario.name()).append(" pins no node names)");
        }
        if (!offline.isEmpty()) {
            b.append("; born but offline (no fresh telemetry): ").append(String.join(", ", offline));
        }
        if (!unbound.isEmpty()) {
            List<String> s = new ArrayList<>();
            unbound.forEach((user, origin) -> s.add(user + " (origin " + origin + ")"));
            b.append("; streams whose origin has not joined: ").append(String.join(", ", s));
        }
        b.append("; check that each agent runs with --broker ").append(broker).append(" --fleet ").append(fleet);
        return b.toString();
    }

    /**
     * Each user's origin node as the host's fleet model bound it, and the lines the trial prints for
     * the users whose origin has not joined (their streams are not driven).
     */
    static Map<String, String> origins(FleetModel model, List<String> lines) {
        model.unbound().forEach((user, origin) -> lines.add(String.format(Locale.ROOT,
                "  user %s: origin %s has not joined; its stream(s) are not driven (nothing is re-routed)", user, origin)));
        return model.origins();
    }

    /**
     * The scenario the host of a local trial plans with: each user whose device runs no agent is
     * moved to the node its tasks go to, so the planners see the streams where they enter.
     */
    static Scenario withOrigins(Scenario s, Map<String, String> origin) {
        List<UserSpec> users = s.users().stream()
                .map(u -> new UserSpec(u.id(), origin.getOrDefault(u.id(), u.node()), u.uplinkBandwidthMbPerMs(), u.channel()))
                .toList();
        return new Scenario(s.schema(), s.name(), s.description(), s.topology(), s.services(), s.taskTypes(), users,
                s.workload(), s.run(), s.failures(), s.planner(), s.models());
    }
}
