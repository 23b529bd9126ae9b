/**
 * Paper 1's two-tier planner: sparse network-aware core placement solved as a MIP (tier 1) and the
 * effective-capacity Lyapunov light-service controller (tier 2).
 */
package org.edgefm.planner.twotier;
