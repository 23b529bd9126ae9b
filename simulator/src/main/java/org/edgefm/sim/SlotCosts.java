package org.edgefm.sim;

/**
 * The cost meter of a simulated fleet: at the end of each slot it charges the instances in force
 * (an offline node's count as 0) by eqs. (6)-(7) of paper 1 through each service's {@code ServiceCosts},
 * into the run's {@link SimStats}.
 */
final class SlotCosts {
    private final CompiledModel m;
    private final SimSettings settings;
    /** Per station: the instances charged in the previous slot (new ones pay deployment). */
    private final int[] charged;

    SlotCosts(CompiledModel m, SimSettings settings) {
        this.m = m;
        this.settings = settings;
        charged = new int[m.stations()];
    }

    /** Charges slot number {@code slot} (0 first) with the stations' instances and parallelism. */
    void charge(long slot, int[] instances, int[] parallelism, boolean[] online, SimStats stats) {
        for (int node = 0; node < m.nodeCount; node++) {
            for (int s = 0; s < m.serviceCount; s++) {
                int st = node * m.serviceCount + s;
                int x = online[node] ? instances[st] : 0;
                int prev = charged[st];
                charged[st] = x;
                var c = m.services[s].costs();
                if (m.core[s]) {
                    // eq. (6): deployment once per new instance, maintenance per instance and slot
                    stats.coreCost += c.coreSlot(x, prev);
                } else {
                    // eq. (7): instantiation on scale-up only (t ≠ 0), maintenance, parallelism
                    stats.lightCost += c.lightSlot(x, parallelism[st], prev, slot > 0 || settings.chargeInitialLightDeploy(),
                            settings.parallelismCostTimesY());
                }
            }
        }
    }
}
