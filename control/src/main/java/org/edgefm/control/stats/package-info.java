/** Statistics shared by the simulator, the trial and the host, each defined once. */
package org.edgefm.control.stats;
