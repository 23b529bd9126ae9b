/** Baseline planners for honest comparison with paper 1's two-tier planner (our own designs, labelled as such). */
package org.edgefm.planner.baseline;
