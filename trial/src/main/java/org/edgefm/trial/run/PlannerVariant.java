package org.edgefm.trial.run;

import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.control.ResolvedPlanner;

/**
 * One planner of a simulation campaign: its label in tables, the planner it is a variant of, and its
 * settings (the scenario's with the {@code --set} and {@code --sweep} values it reads).
 */
record PlannerVariant(String label, String base, ResolvedPlanner planner, PlannerConfig config) {
}
