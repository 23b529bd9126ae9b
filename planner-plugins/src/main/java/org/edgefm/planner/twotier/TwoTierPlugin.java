package org.edgefm.planner.twotier;

import java.util.ArrayList;
import java.util.List;
import org.edgefm.api.PlannerPlugin;
import org.edgefm.api.spi.ConfigKey;
import org.edgefm.api.spi.CorePlacementPlannerFactory;
import org.edgefm.api.spi.LightServiceController;
import org.edgefm.api.spi.LightServiceControllerFactory;
import org.edgefm.api.spi.PlannerPreset;

/**
 * Paper 1's planner family ({@code paper1}): the sparse-IP core placement, the effective-capacity
 * Lyapunov controller and the complete planner {@code two-tier}. The baselines live in
 * {@link org.edgefm.planner.baseline.BaselinePlugin}.
 */
public final class TwoTierPlugin implements PlannerPlugin {
    /** Name of the core planner. */
    public static final String SPARSE_IP = "sparse-ip";
    /** Name of the light controller. */
    public static final String EC_LYAPUNOV = "ec-lyapunov";

    @Override
    public String name() {
        return "paper1";
    }

    @Override
    public List<CorePlacementPlannerFactory> corePlacementPlanners() {
        return List.of(coreFactory(SPARSE_IP, "paper 1 tier 1: eq. (14) with C1, C2 and sparsity, OR-Tools MIP under a time limit,"
                + " greedy fallback, failover plan", SparseCorePlanner::new));
    }

    @Override
    public List<LightServiceControllerFactory> lightServiceControllers() {
        return List.of(lightFactory(EC_LYAPUNOV, "paper 1 tier 2: effective-capacity deadline check, virtual queues,"
                + " drift-plus-penalty over (x, y), greedy node resolution, routes for every stage",
                LightSettings.EC_LYAPUNOV_KEYS, EcLyapunovController::new));
    }

    @Override
    public List<PlannerPreset> planners() {
        return List.of(new PlannerPreset("two-tier", SPARSE_IP, EC_LYAPUNOV,
                "paper 1: sparse network-aware core placement + effective-capacity Lyapunov light control"));
    }

    /** Config keys of every core planner of this family. */
    public static List<ConfigKey> coreKeys() {
        List<ConfigKey> k = new ArrayList<>(CoreSettings.KEYS);
        k.addAll(CoreSettings.LATENCY_KEYS);
        return List.copyOf(k);
    }

    /** Config keys of every light controller of this family (the union of what each one reads). */
    public static List<ConfigKey> lightKeys() {
        List<ConfigKey> k = new ArrayList<>(LightSettings.KEYS);
        k.addAll(CoreSettings.LATENCY_KEYS);
        return List.copyOf(k);
    }

    /**
     * The keys one light controller reads: the light engine's (candidates, routing, demand, limits,
     * measurement), the latency model's, and {@code sizerKeys} (the keys of its sizer).
     */
    public static List<ConfigKey> lightKeys(java.util.Set<String> sizerKeys) {
        List<ConfigKey> k = new ArrayList<>();
        for (ConfigKey c : LightSettings.KEYS) {
            if (LightSettings.ENGINE_KEYS.contains(c.name()) || sizerKeys.contains(c.name())) {
                k.add(c);
            }
        }
        k.addAll(CoreSettings.LATENCY_KEYS);
        return List.copyOf(k);
    }

    /** A core factory of this family: the planner {@code make} builds from validated settings. */
    public static CorePlacementPlannerFactory coreFactory(String name, String description,
            java.util.function.Function<CoreSettings, org.edgefm.api.spi.CorePlacementPlanner> make) {
        return CorePlacementPlannerFactory.of(name, description, coreKeys(), config -> make.apply(CoreSettings.from(config)));
    }

    /**
     * A light factory building a controller from validated settings; it declares the engine's keys and
     * {@code sizerKeys}, so a setting it does not read is not offered as one of its keys.
     */
    public static LightServiceControllerFactory lightFactory(String name, String description, java.util.Set<String> sizerKeys,
            java.util.function.Function<LightSettings, LightServiceController> make) {
        return LightServiceControllerFactory.of(name, description, lightKeys(sizerKeys),
                config -> make.apply(LightSettings.from(config)));
    }
}
