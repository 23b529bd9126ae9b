package org.edgefm.planner.genai;

import java.util.List;
import org.edgefm.api.ConfigException;
import org.edgefm.api.spi.ConfigKey;
import org.edgefm.api.spi.KeyOrigin;
import org.edgefm.api.spi.PlannerConfig;

/**
 * The settings of the seed-paper-2 controllers, read from {@link PlannerConfig}. Keys tagged
 * {@code assumption} are our reconstruction (papers.md 3.3 and 5.2 give no values).
 *
 * @param edgeNode       node id of the edge server, or empty for the first edge server
 * @param cloudNode      node id of the cloud, or empty for the first cloud node
 * @param delayWeight    {@code w_d}: cost per ms of request delay
 * @param storagePrice   {@code α_s}: cost per storage unit held for one slot
 * @param gpuPrice       {@code α_g}: cost per GPU-memory unit held for one slot
 * @param rateSmoothing  weight of the newest slot in the request-rate estimate (EWMA), in (0, 1]
 * @param backhaulMbPerMs cloud-to-edge bandwidth used when no link joins the two nodes
 * @param parallelism    requests one resident model serves at once (the allocation's {@code y})
 * @param ga             the genetic algorithm's settings
 * @param cloudInstances whether decisions also allocate every model at the cloud node (a live cloud agent
 *                       then runs the models routed to it); off in simulation, where the cloud is implicit
 */
public record GenAiSettings(String edgeNode, String cloudNode, double delayWeight, double storagePrice,
        double gpuPrice, double rateSmoothing, double backhaulMbPerMs, int parallelism, GeneticDeployment.Settings ga,
        boolean cloudInstances) {

    /** Configuration keys shared by every paper-2 controller. */
    public static final List<ConfigKey> COMMON_KEYS = List.of(
            new ConfigKey("genai.edge-node", "", "id of the edge server whose models are planned; empty = the first edge-server node",
                    KeyOrigin.SOLVER, "which scenario node is paper 2's edge server"),
            new ConfigKey("genai.cloud-node", "", "id of the cloud node serving requests for models not at the edge; empty = the first cloud node",
                    KeyOrigin.SOLVER, "which scenario node is paper 2's cloud"),
            new ConfigKey("genai.delay-weight", "0.001", "w_d: cost per ms of request delay (papers.md 3.3)",
                    KeyOrigin.RECONSTRUCTION, "w_d, weight of request delay in paper 2's cost; equations not retrievable (papers.md 3.3 [I])"),
            new ConfigKey("genai.storage-price", "0.002", "alpha_s: cost per storage unit (GB) kept for one slot",
                    KeyOrigin.RECONSTRUCTION, "alpha_s, storage price of paper 2's cost (papers.md 3.3 [I])"),
            new ConfigKey("genai.gpu-price", "0.02", "alpha_g: cost per GPU-memory unit (GB) kept for one slot",
                    KeyOrigin.RECONSTRUCTION, "alpha_g, GPU-memory price of paper 2's cost (papers.md 3.3 [I])"),
            new ConfigKey("genai.rate-smoothing", "0.5", "EWMA weight of the last slot's request count in the forecast for the next slot, in (0, 1]",
                    KeyOrigin.RECONSTRUCTION, "forecast of the next slot's requests; not stated (papers.md 3.3 [I])"),
            new ConfigKey("genai.backhaul-mb-per-ms", "1.25", "cloud-to-edge bandwidth in MB/ms when no link joins the cloud and edge nodes (1.25 = 10 Gbit/s)",
                    KeyOrigin.RECONSTRUCTION, "cloud-to-edge bandwidth of a model transfer when no link is declared (papers.md 3.3 [I])"),
            new ConfigKey("genai.parallelism", "16", "requests one resident model serves at once (continuous batching); paper 2 does not model queueing",
                    KeyOrigin.RECONSTRUCTION, "requests a resident model serves at once; paper 2 does not model queueing (papers.md 3.3 [I])"),
            new ConfigKey("genai.cloud-instances", "false", "also allocate every model at the cloud node, so a live cloud agent in a trial runs what is routed to it (the cloud keeps the whole library)",
                    KeyOrigin.GUARD, "live trials: a cloud agent runs only what it is allocated, so the cloud's whole library is allocated there (docs/seed-papers-2-3.md)"));

    /** Configuration keys of the genetic algorithm. */
    public static final List<ConfigKey> GA_KEYS = List.of(
            new ConfigKey("genai-ga.population", "60", "individuals per generation",
                    KeyOrigin.SOLVER, "genetic algorithm: individuals per generation (papers.md 3.2: GA-based, parameters unknown)"),
            new ConfigKey("genai-ga.generations", "60", "generations per slot",
                    KeyOrigin.SOLVER, "genetic algorithm: generations per slot"),
            new ConfigKey("genai-ga.crossover-rate", "0.9", "probability of uniform crossover of two parents",
                    KeyOrigin.SOLVER, "genetic algorithm: crossover probability"),
            new ConfigKey("genai-ga.mutation-rate", "0", "bit-flip probability per gene; 0 = 1/number of models",
                    KeyOrigin.SOLVER, "genetic algorithm: mutation probability"),
            new ConfigKey("genai-ga.tournament", "3", "tournament size of the selection",
                    KeyOrigin.SOLVER, "genetic algorithm: tournament size"),
            new ConfigKey("genai-ga.warm-start", "true", "seed the population with the previous slot's deployment",
                    KeyOrigin.SOLVER, "genetic algorithm: seed with the previous slot's deployment"),
            new ConfigKey("genai-ga.horizon-slots", "10", "expected residency of a switched-in model in slots: the GA's fitness spreads a switch-in's transfer and preload delay over this many slots; 1 = myopic (>= 1)",
                    KeyOrigin.RECONSTRUCTION, "the GA's fitness spreads a switch-in's delay over the model's expected residency; paper 2's fitness is not stated (papers.md 3.3 [I])"),
            new ConfigKey("genai-ga.seed", "1", "base random seed (slot t uses a stream derived from it and t)",
                    KeyOrigin.SOLVER, "seed of the genetic algorithm"));

    /** Reads and validates the settings; a bad value is a {@link ConfigException} naming the key. */
    public static GenAiSettings from(PlannerConfig c) {
        double wd = nonNegative(c, "genai.delay-weight", 0.001);
        double as = nonNegative(c, "genai.storage-price", 0.002);
        double ag = nonNegative(c, "genai.gpu-price", 0.02);
        double sm = c.getDouble("genai.rate-smoothing", 0.5);
        if (!(sm > 0 && sm <= 1)) {
            throw new ConfigException("genai.rate-smoothing: " + sm + " (expected: in (0, 1])");
        }
        double bh = c.getDouble("genai.backhaul-mb-per-ms", 1.25);
        if (!(bh > 0)) {
            throw new ConfigException("genai.backhaul-mb-per-ms: " + bh + " (expected: > 0)");
        }
        int par = c.getInt("genai.parallelism", 16);
        if (par < 1) {
            throw new ConfigException("genai.parallelism: " + par + " (expected: >= 1)");
        }
        GeneticDeployment.Settings ga;
        try {
            ga = new GeneticDeployment.Settings(c.getInt("genai-ga.population", 60), c.getInt("genai-ga.generations", 60),
                    c.getDouble("genai-ga.crossover-rate", 0.9), c.getDouble("genai-ga.mutation-rate", 0),
                    c.getInt("genai-ga.tournament", 3), c.getBoolean("genai-ga.warm-start", true),
                    c.getInt("genai-ga.seed", 1),
                    c.getDouble("genai-ga.horizon-slots", GeneticDeployment.Settings.DEFAULT_HORIZON_SLOTS));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("genai-ga." + e.getMessage());
        }
        return new GenAiSettings(c.getString("genai.edge-node", "").trim(), c.getString("genai.cloud-node", "").trim(),
                wd, as, ag, sm, bh, par, ga, c.getBoolean("genai.cloud-instances", false));
    }

    private static double nonNegative(PlannerConfig c, String key, double def) {
        double v = c.getDouble(key, def);
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new ConfigException(key + ": " + v + " (expected: >= 0)");
        }
        return v;
    }
}
