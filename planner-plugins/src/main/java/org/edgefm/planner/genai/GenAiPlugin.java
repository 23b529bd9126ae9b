package org.edgefm.planner.genai;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.edgefm.api.PlannerPlugin;
import org.edgefm.api.spi.ConfigKey;
import org.edgefm.api.spi.LightServiceControllerFactory;
import org.edgefm.api.spi.PlannerPreset;

/**
 * Seed paper 2 (Liang et al., "Resource-Efficient Generative AI Model Deployment in Mobile Edge
 * Networks", GLOBECOM 2024; papers.md 3): the {@code genai-ga} controller and its baselines
 * {@code all-cloud}, {@code popularity-greedy}, {@code density-greedy} and {@code lru}, each also a
 * complete planner without core placement.
 */
public final class GenAiPlugin implements PlannerPlugin {
    @Override
    public String name() {
        return "genai";
    }

    @Override
    public List<LightServiceControllerFactory> lightServiceControllers() {
        return List.of(
                factory("genai-ga", "paper 2: per-slot model deployment by a genetic algorithm with repair and warm start",
                        s -> new GeneticDeployment(s.ga()), true),
                factory("all-cloud", "paper 2 baseline (ours): no model at the edge, every request served by the cloud",
                        s -> Baselines.allCloud(), false),
                factory("popularity-greedy", "paper 2 baseline (ours): most requested models first while budgets hold",
                        s -> Baselines.popularityGreedy(), false),
                factory("density-greedy", "paper 2 baseline (ours): highest requests x switching delay per GB of GPU memory first",
                        s -> Baselines.densityGreedy(), false),
                factory("lru", "paper 2 baseline (ours): least-recently-used model cache under the same budgets",
                        s -> Baselines.lru(), false));
    }

    @Override
    public List<PlannerPreset> planners() {
        return lightServiceControllers().stream().map(PlannerPreset::perSlot).toList();
    }

    private static LightServiceControllerFactory factory(String name, String description,
            Function<GenAiSettings, DeploymentPolicy> policy, boolean ga) {
        List<ConfigKey> keys = new ArrayList<>(GenAiSettings.COMMON_KEYS);
        if (ga) {
            keys.addAll(GenAiSettings.GA_KEYS);
        }
        return LightServiceControllerFactory.of(name, description, keys, config -> {
            GenAiSettings s = GenAiSettings.from(config);
            return new GenAiController(s, policy.apply(s));
        });
    }
}
