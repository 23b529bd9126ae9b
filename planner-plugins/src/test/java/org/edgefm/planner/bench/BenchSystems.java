package org.edgefm.planner.bench;

import org.edgefm.api.model.SystemModel;
import org.edgefm.planner.fixtures.Fixtures;

/** The benchmark instances: random paper-1 systems (Table I ranges) of a given size. */
final class BenchSystems {
    private BenchSystems() {
    }

    /** {@code nodes} nodes (a tenth of them edge servers, the rest devices), {@code cores} core and {@code lights} light services. */
    static SystemModel of(int nodes, int cores, int lights, long seed) {
        int servers = Math.max(2, nodes / 10);
        int types = Math.max(cores, lights / 2);
        return Fixtures.random(seed, servers, nodes - servers, cores, lights, types);
    }
}
