/**
 * Seed paper 3, LyMDO: DNN partitioning between a device and an edge server with multi-dimensional
 * resource allocation under long-term energy budgets (papers.md 4 and 5.3): the serial
 * local-uplink-edge queue model, Lyapunov virtual energy queues, the closed-form per-slot allocation,
 * exhaustive and learned (DROO-style, ND4J) partition selectors, the baselines, and the controller
 * that maps them onto the planner SPI; the formulation is our reconstruction [I].
 */
package org.edgefm.planner.lymdo;
