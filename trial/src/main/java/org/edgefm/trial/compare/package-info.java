/** Planners compared side by side in simulation ({@code edgefm compare}): the runs, the tables, the JSON and the HTML report. */
package org.edgefm.trial.compare;
