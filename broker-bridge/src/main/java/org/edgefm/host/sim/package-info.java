/**
 * The simulated fleet: a discrete-event model of a scenario's nodes, links, queues and tasks in
 * virtual time ({@link org.edgefm.host.sim.SimulatedFleet}), driven by the same control loop and
 * plugins as a field trial; its modelling choices are {@link org.edgefm.host.sim.SimSettings}.
 *
 * <p>Speed (docs/simulator.md has the details): {@link org.edgefm.host.sim.SimBenchmark} runs
 * {@code paper-table1} for 20 seeds × 2,000 slots under a fixed reference deployment and prints
 * events per second and wall time.
 */
package org.edgefm.host.sim;
