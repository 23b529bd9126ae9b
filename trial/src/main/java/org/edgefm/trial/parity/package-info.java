/**
 * Sim-to-field parity: what a trial measured ({@link org.edgefm.trial.parity.TrialLog}), the
 * calibration file written from it ({@link org.edgefm.trial.parity.CalibrationRecorder}), the replay
 * of the trial's arrivals through the calibrated simulator ({@link org.edgefm.trial.parity.ParityReplay})
 * and the side-by-side comparison in the trial's results ({@link org.edgefm.trial.parity.ParitySection}).
 */
package org.edgefm.trial.parity;
