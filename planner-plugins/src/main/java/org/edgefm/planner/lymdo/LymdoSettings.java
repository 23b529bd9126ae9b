package org.edgefm.planner.lymdo;

import java.util.List;
import org.edgefm.api.ConfigException;
import org.edgefm.api.spi.ConfigKey;
import org.edgefm.api.spi.KeyOrigin;
import org.edgefm.api.spi.PlannerConfig;

/**
 * Settings of the seed-paper-3 controllers. Every numeric key is our reconstruction (papers.md 4.2
 * and 5.3: the paper's parameter table was not retrievable), hence {@code assumption = true}.
 *
 * @param edgeNode       id of the edge server, or empty for the first edge-server node
 * @param v              Lyapunov trade-off {@code V} (J per task·ms of delay)
 * @param localPowerW    device compute power at full frequency {@code P^L} (W)
 * @param txPowerW       maximum transmit power {@code P^T} (W)
 * @param energyBudgetW  long-term average power budget per UE (W); 0 = the device node's POWER capacity
 * @param poolMbPerMs    uplink pool {@code B}; 0 = the sum of the users' uplink bandwidths
 * @param rateSmoothing  EWMA weight of the last slot's arrivals in the rate forecast, in (0, 1]
 * @param actor          the learned actor's settings
 * @param nd4jThreads    ND4J's process-wide thread count to set, or 0 to leave it alone
 * @param chargeObserved charge the virtual queues with the measured energy of each UE where the
 *                       observation carries it ({@code UserObservation.energyJ}), else with the model's
 */
public record LymdoSettings(String edgeNode, double v, double localPowerW, double txPowerW, double energyBudgetW,
        double poolMbPerMs, double rateSmoothing, DrooActor.Settings actor, int nd4jThreads, boolean chargeObserved) {

    /** Keys of every LyMDO controller. */
    public static final List<ConfigKey> COMMON_KEYS = List.of(
            new ConfigKey("lymdo.edge-node", "", "id of the edge server that runs the back parts; empty = the first edge-server node",
                    KeyOrigin.SOLVER, "which scenario node is LyMDO's edge server"),
            new ConfigKey("lymdo.v", "0.003", "Lyapunov V: weight of delay (task-ms) against energy-queue drift (J)",
                    KeyOrigin.RECONSTRUCTION, "Lyapunov V of LyMDO's drift-plus-penalty (papers.md 4.2 [I], patterned on LyDROO)"),
            new ConfigKey("lymdo.local-power-w", "5", "device compute power at full CPU/GPU frequency in W (power ~ frequency^3)",
                    KeyOrigin.RECONSTRUCTION, "device compute power, energy ~ frequency^3 (papers.md 4.2 [I])"),
            new ConfigKey("lymdo.tx-power-w", "0.2", "maximum uplink transmit power in W",
                    KeyOrigin.RECONSTRUCTION, "maximum uplink transmit power (papers.md 4.2 [I])"),
            new ConfigKey("lymdo.energy-budget-w", "0", "long-term average power budget per UE in W; 0 = the device node's 'power' capacity",
                    KeyOrigin.RECONSTRUCTION, "long-term average power budget per UE of the energy queues (papers.md 4.2 [I])"),
            new ConfigKey("lymdo.bandwidth-pool-mb-per-ms", "0", "uplink pool B in MB/ms per bit/s/Hz shared by bandwidth shares; 0 = sum of the users' uplinkBandwidthMbPerMs",
                    KeyOrigin.RECONSTRUCTION, "uplink pool B shared by the bandwidth shares (papers.md 4.2 [I])"),
            new ConfigKey("lymdo.rate-smoothing", "0.5", "EWMA weight of the last slot's arrivals in the rate forecast, in (0, 1]",
                    KeyOrigin.RECONSTRUCTION, "forecast of the next slot's arrivals (papers.md 4.2 [I])"),
            new ConfigKey("lymdo.queue-charge", "observed", "what the virtual energy queues are charged with after a slot: 'observed' = each UE's measured energy (UserObservation.energyJ) where every UE reports one, else the model's energy of the decision under the counted arrivals; 'model' = always the model's",
                    KeyOrigin.RECONSTRUCTION, "what the virtual energy queues are charged with after a slot: measured or modelled energy (papers.md 4.2 [I])"));

    /** Keys of the learned actor ({@code lymdo} only). */
    public static final List<ConfigKey> ACTOR_KEYS = List.of(
            new ConfigKey("lymdo.hidden1", "64", "width of the actor's first hidden layer",
                    KeyOrigin.SOLVER, "DROO-style actor: first hidden layer (papers.md 4.2)"),
            new ConfigKey("lymdo.hidden2", "32", "width of the actor's second hidden layer",
                    KeyOrigin.SOLVER, "DROO-style actor: second hidden layer (papers.md 4.2)"),
            new ConfigKey("lymdo.candidates", "8", "K: quantised candidate partitions evaluated per slot",
                    KeyOrigin.SOLVER, "DROO-style actor: K quantised candidates per slot (papers.md 4.2)"),
            new ConfigKey("lymdo.memory", "1024", "replay memory capacity (slots)",
                    KeyOrigin.SOLVER, "DROO-style actor: replay memory"),
            new ConfigKey("lymdo.batch", "32", "training batch size",
                    KeyOrigin.SOLVER, "DROO-style actor: training batch"),
            new ConfigKey("lymdo.train-interval", "2", "slots between training steps",
                    KeyOrigin.SOLVER, "DROO-style actor: slots between training steps"),
            new ConfigKey("lymdo.learning-rate", "0.01", "Adam step size",
                    KeyOrigin.SOLVER, "DROO-style actor: Adam step size"),
            new ConfigKey("lymdo.repair-rounds", "2", "when none of the K candidates is feasible: rounds of coordinate search (each UE moved to its best cut with the others fixed) to find a feasible cut vector; 0 = execute the first candidate's best effort",
                    KeyOrigin.GUARD, "when none of the K candidates is feasible the slot would execute an infeasible cut; coordinate search repairs it (docs/seed-papers-2-3.md, 'Feasibility repair')"),
            new ConfigKey("lymdo.seed", "1", "seed of the actor's weights, batches and exploration",
                    KeyOrigin.SOLVER, "seed of the actor"),
            new ConfigKey("lymdo.nd4j-threads", "0", "if > 0, sets ND4J's process-wide thread count (the actor's matrices are tiny; 1 avoids thread overhead on busy hosts); 0 leaves it alone",
                    KeyOrigin.SOLVER, "ND4J thread count; no effect on decisions"));

    /** Reads and validates; a bad value is a {@link ConfigException} naming the key. */
    public static LymdoSettings from(PlannerConfig c) {
        double v = positive(c, "lymdo.v", 0.003);
        double pl = nonNegative(c, "lymdo.local-power-w", 5);
        double pt = nonNegative(c, "lymdo.tx-power-w", 0.2);
        double eb = nonNegative(c, "lymdo.energy-budget-w", 0);
        double pool = nonNegative(c, "lymdo.bandwidth-pool-mb-per-ms", 0);
        double sm = c.getDouble("lymdo.rate-smoothing", 0.5);
        if (!(sm > 0 && sm <= 1)) {
            throw new ConfigException("lymdo.rate-smoothing: " + sm + " (expected: in (0, 1])");
        }
        DrooActor.Settings a;
        try {
            a = new DrooActor.Settings(c.getInt("lymdo.hidden1", 64), c.getInt("lymdo.hidden2", 32),
                    c.getInt("lymdo.candidates", 8), c.getInt("lymdo.memory", 1024), c.getInt("lymdo.batch", 32),
                    c.getInt("lymdo.train-interval", 2), c.getDouble("lymdo.learning-rate", 0.01), c.getInt("lymdo.seed", 1),
                    c.getInt("lymdo.repair-rounds", 2));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("lymdo actor settings: " + e.getMessage());
        }
        int threads = c.getInt("lymdo.nd4j-threads", 0);
        if (threads < 0) {
            throw new ConfigException("lymdo.nd4j-threads: " + threads + " (expected: >= 0)");
        }
        String charge = c.getString("lymdo.queue-charge", "observed").trim();
        if (!charge.equals("observed") && !charge.equals("model")) {
            throw new ConfigException("lymdo.queue-charge: '" + charge + "' (expected: observed or model)");
        }
        return new LymdoSettings(c.getString("lymdo.edge-node", "").trim(), v, pl, pt, eb, pool, sm, a, threads,
                charge.equals("observed"));
    }

    private static double positive(PlannerConfig c, String key, double def) {
        double x = c.getDouble(key, def);
        if (!(x > 0) || Double.isInfinite(x)) {
            throw new ConfigException(key + ": " + x + " (expected: > 0)");
        }
        return x;
    }

    private static double nonNegative(PlannerConfig c, String key, double def) {
        double x = c.getDouble(key, def);
        if (!(x >= 0) || Double.isInfinite(x)) {
            throw new ConfigException(key + ": " + x + " (expected: >= 0)");
        }
        return x;
    }
}
