/**
 * The agent's internals: verticles (MQTT link, telemetry, directives, tasks), the service runtime,
 * the MapDB store and the MQTT transports. Not an API: other modules use {@code org.edgefm.agent}.
 */
package org.edgefm.agent.internal;
