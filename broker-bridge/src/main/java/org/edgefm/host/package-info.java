/**
 * The planner host: the {@link org.edgefm.host.Fleet} seam between the control loop and a real
 * (MQTT) or simulated fleet, and everything built on it.
 */
package org.edgefm.host;
