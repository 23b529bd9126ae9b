/** Test plumbing shared by the integration tests: MQTT recording, agent processes, network faults, figures. */
package org.edgefm.it.support;
