/**
 * The simulated fleet: a discrete-event model of a scenario's nodes, links, queues and tasks in
 * virtual time ({@link org.edgefm.sim.SimulatedFleet}), driven by the same control loop and
 * plugins as a field trial ({@link org.edgefm.sim.SimulationRun}); its modelling choices are
 * {@link org.edgefm.sim.SimSettings}; {@link org.edgefm.sim.ZeroContentionBound} bounds
 * what any planner can reach; {@code PaperTable1Generator} wrote {@code scenarios/paper-table1.json}.
 *
 * <p>Speed: {@code ./edgefm bench sim} ({@link org.edgefm.sim.SimBenchmark}) runs paper-table1 ×
 * 20 seeds × 2,000 slots (10.8 M tasks, 106.9 M events) in about 6 s with the event loop alone and
 * 22–46 s with the two-tier planner in the loop, on 2 cores; the goals were 1 M events/s and 60 s.
 * docs/simulator.md, "Speed", has the figures.
 */
package org.edgefm.sim;
