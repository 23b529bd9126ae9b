/**
 * Paper 1's latency model, eqs. (1)–(5) on in-tree task DAGs, its mean-value variant and the
 * network shortest paths it needs; public so that planners and the simulator share one model.
 */
package org.edgefm.planner.latency;
