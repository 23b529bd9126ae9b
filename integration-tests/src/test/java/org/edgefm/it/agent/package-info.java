/** Process-level tests of the device agent: real Mosquitto, real agent JVMs, kill -9 and restart. */
package org.edgefm.it.agent;
