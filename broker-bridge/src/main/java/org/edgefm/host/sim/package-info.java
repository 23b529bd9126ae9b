/**
 * The simulated fleet: a discrete-event model of a scenario's nodes, links, queues and tasks in
 * virtual time ({@link org.edgefm.host.sim.SimulatedFleet}), driven by the same control loop and
 * plugins as a field trial ({@link org.edgefm.host.sim.SimulationRun}); its modelling choices are
 * {@link org.edgefm.host.sim.SimSettings}; {@link org.edgefm.host.sim.ZeroContentionBound} bounds
 * what any planner can reach; {@code PaperTable1Generator} wrote {@code scenarios/paper-table1.json}.
 *
 * <p>Speed, measured with {@link org.edgefm.host.sim.SimBenchmark} (no planner, a fixed reference
 * deployment, one snapshot per slot), from the repository root after {@code ./edgefm} has built:
 * <pre>
 * java -XX:+UseSerialGC -cp "cli/target/classes:$(cat cli/target/classpath.txt)" \
 *     org.edgefm.host.sim.SimBenchmark --scenario scenarios/paper-table1.json --seeds 20 --slots 2000 --threads 2
 * </pre>
 * paper-table1 × 20 seeds × 2,000 slots: 10.8 M tasks, 106.9 M events in 14.4–20.4 s on 2 threads
 * (OpenJDK 17, AMD EPYC, 2 cores shared with other jobs): 5.3–7.4 M events/s.
 * Goals were 1 M events/s and 60 s. docs/simulator.md has the details and the planner results.
 */
package org.edgefm.host.sim;
