/**
 * The calibration file a field trial writes ({@code calibration.json}, schema
 * {@code edgefm-calibration/2}, which still reads {@code /1}) and what the simulator makes of it: a
 * {@link org.edgefm.sim.Twin} (with the warm-up kept apart and the live loop's recorded readings) and
 * a scenario with the measured links ({@link org.edgefm.sim.calibration.Calibration}).
 */
package org.edgefm.sim.calibration;
