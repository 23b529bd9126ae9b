/**
 * The calibration file a field trial writes ({@code calibration.json}, schema
 * {@code edgefm-calibration/1}) and what the simulator makes of it: a {@link org.edgefm.sim.Twin} and
 * a scenario with the measured links ({@link org.edgefm.sim.calibration.Calibration}).
 */
package org.edgefm.sim.calibration;
