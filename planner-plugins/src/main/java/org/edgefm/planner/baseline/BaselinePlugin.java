package org.edgefm.planner.baseline;

import java.util.List;
import org.edgefm.api.PlannerPlugin;
import org.edgefm.api.spi.CorePlacementPlannerFactory;
import org.edgefm.api.spi.LightServiceControllerFactory;
import org.edgefm.api.spi.PlannerPreset;
import org.edgefm.planner.twotier.LightSettings;
import org.edgefm.planner.twotier.TwoTierPlugin;

/**
 * Baselines ({@code baselines}): {@code prop-avg} is paper 1's ablation (capacity proportional to
 * average demand, no effective capacity, no virtual queues); {@code greedy}, {@code random},
 * {@code all-static} and {@code cloud-only} are our own designs (papers.md 1.7), each a complete
 * planner under that name.
 */
public final class BaselinePlugin implements PlannerPlugin {
    @Override
    public String name() {
        return "baselines";
    }

    @Override
    public List<CorePlacementPlannerFactory> corePlacementPlanners() {
        return List.of(
                TwoTierPlugin.coreFactory("greedy-core", "baseline: eq. (14)'s greedy alone (best c - ξQ first), no solver",
                        GreedyCorePlanner::new),
                TwoTierPlugin.coreFactory("random-core", "baseline: core instances on random feasible nodes (seeded)",
                        RandomCorePlanner::new),
                TwoTierPlugin.coreFactory("cloud-core", "baseline: every core instance on cloud nodes", CloudCorePlanner::new));
    }

    @Override
    public List<LightServiceControllerFactory> lightServiceControllers() {
        return List.of(
                TwoTierPlugin.lightFactory("prop-avg", "paper 1's ablation: capacity proportional to average demand,"
                        + " no effective capacity, no virtual queues", LightSettings.MEAN_KEYS, PropAvgController::new),
                TwoTierPlugin.lightFactory("greedy-light", "baseline: nearest node first, spill to the least-loaded, y = 1, mean sizing",
                        LightSettings.MEAN_KEYS, GreedyLightController::new),
                TwoTierPlugin.lightFactory("random-light", "baseline: random candidate nodes every slot, y = 1, mean sizing",
                        LightSettings.MEAN_RANDOM_KEYS, RandomLightController::new),
                TwoTierPlugin.lightFactory("static-light", "baseline: light services placed once on declared demand, never changed",
                        LightSettings.MEAN_KEYS, StaticLightController::new),
                TwoTierPlugin.lightFactory("cloud-light", "baseline: every light stage on cloud nodes, mean sizing", LightSettings.MEAN_KEYS,
                        CloudLightController::new));
    }

    @Override
    public List<PlannerPreset> planners() {
        return List.of(
                new PlannerPreset("prop-avg", TwoTierPlugin.SPARSE_IP, "prop-avg",
                        "paper 1's PropAvg ablation: two-tier with mean-demand light sizing"),
                new PlannerPreset("greedy", "greedy-core", "greedy-light", "baseline (ours): greedy core, nearest/least-loaded light"),
                new PlannerPreset("random", "random-core", "random-light", "baseline (ours): random placement in both tiers"),
                new PlannerPreset("all-static", TwoTierPlugin.SPARSE_IP, "static-light",
                        "baseline (ours): light services placed once like core ones"),
                new PlannerPreset("cloud-only", "cloud-core", "cloud-light", "baseline (ours): everything on the cloud node"));
    }
}
