/** Integration tests of the planner host: real host, embedded HiveMQ or Mosquitto, real Paho clients. */
package org.edgefm.it.host;
