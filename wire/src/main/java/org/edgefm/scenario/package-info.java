/**
 * The scenario file format: one JSON document (comments and trailing commas allowed) describing a
 * topology, the service catalog, the task types, users and workload, run settings, a failure
 * schedule and planner settings. The same file drives {@code ./edgefm simulate} and
 * {@code ./edgefm trial}; see {@code docs/scenario-format.md}.
 */
package org.edgefm.scenario;
