/** The embedded MQTT broker (HiveMQ CE) with per-device accounts, topic permissions and TLS. */
package org.edgefm.host.broker;
