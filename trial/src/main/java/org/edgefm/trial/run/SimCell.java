package org.edgefm.trial.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.edgefm.control.PluginHealth;
import org.edgefm.sim.SimulationRun;
import org.edgefm.trial.SimResults;

/**
 * The runs of one planner variant at one load, one per seed, with the per-seed figures the tables,
 * the report and the frontier read.
 *
 * @param planner     the variant's label
 * @param deployments per seed, the deployments {@code --deployment-at} asked for (empty without it)
 */
record SimCell(String planner, double load, List<SimulationRun.Outcome> runs, List<List<DeploymentRecorder.AtSlot>> deployments) {
    double[] onTime() {
        return runs.stream().mapToDouble(r -> r.stats().onTimeRate()).toArray();
    }

    /** Per seed: seed paper 2's total cost when the scenario has switchable models, else C^cr + C^lt. */
    double[] cost() {
        return SimResults.costs(runs);
    }

    /** Per seed: the mean end-to-end delay of completed tasks (seed paper 3's metric). */
    double[] delay() {
        return runs.stream().mapToDouble(r -> r.stats().meanLatencyMs()).toArray();
    }

    boolean genai() {
        return !runs.isEmpty() && runs.get(0).stats().genai() != null;
    }

    boolean partition() {
        return !runs.isEmpty() && runs.get(0).stats().partition() != null;
    }

    double meanQuantile(double q) {
        return SimResults.meanQuantile(runs, q);
    }

    /** The plugin calls' books per planner, summed over its seeds and loads. */
    static Map<String, PluginHealth> pluginHealth(List<SimCell> cells) {
        Map<String, List<PluginHealth>> by = new LinkedHashMap<>();
        for (SimCell c : cells) {
            for (SimulationRun.Outcome o : c.runs()) {
                by.computeIfAbsent(c.planner(), k -> new ArrayList<>()).add(o.plugins());
            }
        }
        Map<String, PluginHealth> out = new LinkedHashMap<>();
        by.forEach((k, v) -> out.put(k, PluginHealth.sum(v)));
        return out;
    }
}
