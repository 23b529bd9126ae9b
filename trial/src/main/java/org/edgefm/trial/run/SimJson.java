package org.edgefm.trial.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.edgefm.scenario.Scenario;
import org.edgefm.trial.PluginsSection;
import org.edgefm.trial.Results;
import org.edgefm.trial.SimResults;
import org.edgefm.wire.DesiredService;

/**
 * {@code simulate --json}: the results document ({@link Results}, one {@code Result} per planner and
 * load) with the simulation's own sections: first seed, budgets, plugin calls, bounds and frontier.
 */
final class SimJson {
    private SimJson() {
    }

    static void write(Path json, Scenario scenario, List<Double> loads, List<SimCell> cells, SimBounds bounds,
            List<Frontiers.Frontier> frontiers, long firstSeed, boolean budgets) throws IOException {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode(); // the simulation's own sections of the results document
        root.put("firstSeed", firstSeed);
        root.put("budgets", budgets);
        root.set("plugins", m.valueToTree(PluginsSection.json(SimCell.pluginHealth(cells))));
        ArrayNode array = root.putArray("bounds");
        for (double load : loads) {
            ObjectNode z = array.addObject();
            z.put("name", "zero-contention");
            z.put("load", load);
            z.put("onTimeRate", bounds.zeroContention().onTimeRate());
            z.put("ci95", 1.96 * bounds.zeroContention().stdError());
            double[] b = bounds.lp().get(load);
            if (b != null) {
                ObjectNode l = array.addObject();
                l.put("name", "lp");
                l.put("load", load);
                l.put("onTimeRate", b[0]);
                l.put("ci95", b[1]);
            }
        }
        Frontiers.addTo(root, frontiers);
        addDeployments(root, cells);
        Results.of("simulate", scenario.name(),
                cells.stream().map(c -> SimResults.of(c.planner(), c.load(), c.runs())).toList(), root)
                .write(json);
    }

    /** {@code deployments} ({@code --deployment-at}): per planner, load, seed and slot, each node's desired services. */
    private static void addDeployments(ObjectNode root, List<SimCell> cells) {
        if (cells.stream().allMatch(c -> c.deployments().isEmpty())) {
            return;
        }
        ArrayNode array = root.putArray("deployments");
        for (SimCell c : cells) {
            for (int i = 0; i < c.deployments().size(); i++) {
                long seed = c.runs().get(i).seed();
                for (DeploymentRecorder.AtSlot at : c.deployments().get(i)) {
                    ObjectNode d = array.addObject();
                    d.put("planner", c.planner());
                    d.put("load", c.load());
                    d.put("seed", seed);
                    d.put("slot", at.slot());
                    ArrayNode nodes = d.putArray("nodes");
                    for (DeploymentRecorder.NodeDeployment n : at.nodes()) {
                        ObjectNode node = nodes.addObject();
                        node.put("node", n.node());
                        ArrayNode services = node.putArray("services");
                        for (DesiredService s : n.services()) {
                            ObjectNode o = services.addObject();
                            o.put("service", s.service());
                            o.put("kind", s.kind().name().toLowerCase(Locale.ROOT));
                            o.put("instances", s.instances());
                            o.put("parallelism", s.parallelism());
                        }
                    }
                }
            }
        }
    }
}
