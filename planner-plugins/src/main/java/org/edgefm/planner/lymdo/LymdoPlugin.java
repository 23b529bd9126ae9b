package org.edgefm.planner.lymdo;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.edgefm.api.PlannerPlugin;
import org.edgefm.api.spi.ConfigKey;
import org.edgefm.api.spi.LightServiceControllerFactory;
import org.edgefm.api.spi.PlannerPreset;

/**
 * Seed paper 3 (Ye et al., "End-to-End Delay Minimization based on Joint Optimization of DNN
 * Partitioning and Resource Allocation for Cooperative Edge Inference", VTC2023-Fall; papers.md 4):
 * {@code lymdo} (learned actor), {@code lymdo-exhaustive} (reference), and the baselines
 * {@code all-local}, {@code all-edge} and {@code fixed-split}; every one keeps the virtual energy
 * queues and the closed-form allocation, so they differ only in how cut points are chosen.
 */
public final class LymdoPlugin implements PlannerPlugin {
    @Override
    public String name() {
        return "lymdo";
    }

    @Override
    public List<LightServiceControllerFactory> lightServiceControllers() {
        return List.of(
                factory("lymdo", "paper 3: DNN partition by a DROO-style learned actor (ND4J), closed-form allocation, Lyapunov energy queues",
                        s -> {
                            if (s.nd4jThreads() > 0) {
                                org.nd4j.linalg.factory.Nd4j.getEnvironment().setMaxThreads(s.nd4jThreads());
                            }
                            return new DrooActor(s.actor());
                        }, true),
                factory("lymdo-exhaustive", "paper 3 reference: exhaustive partition search per slot (small cases), same allocation and queues",
                        s -> new ExhaustivePartition(), false),
                factory("all-local", "paper 3 baseline (ours): the whole DNN on the device",
                        s -> new FixedPartition(FixedPartition.Rule.ALL_LOCAL), false),
                factory("all-edge", "paper 3 baseline (ours): the raw input is sent and the whole DNN runs on the edge server",
                        s -> new FixedPartition(FixedPartition.Rule.ALL_EDGE), false),
                factory("fixed-split", "paper 3 baseline (ours): one split per stream, best for the declared average load, kept",
                        s -> new FixedPartition(FixedPartition.Rule.BEST_AVERAGE), false));
    }

    @Override
    public List<PlannerPreset> planners() {
        return lightServiceControllers().stream().map(PlannerPreset::perSlot).toList();
    }

    private static LightServiceControllerFactory factory(String name, String description,
            Function<LymdoSettings, PartitionSelector> selector, boolean actor) {
        List<ConfigKey> keys = new ArrayList<>(LymdoSettings.COMMON_KEYS);
        if (actor) {
            keys.addAll(LymdoSettings.ACTOR_KEYS);
        }
        return LightServiceControllerFactory.of(name, description, keys, config -> {
            LymdoSettings s = LymdoSettings.from(config);
            return new LymdoController(s, selector.apply(s));
        });
    }
}
