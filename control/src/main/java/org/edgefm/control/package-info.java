/**
 * The one control loop ({@link org.edgefm.control.ControlLoop}) over the {@link org.edgefm.control.Fleet}
 * seam, the plugin registry and plugin calling with budgets; the host and the simulator both drive it.
 */
package org.edgefm.control;
