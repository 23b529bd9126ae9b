/**
 * The planner host: the {@link org.edgefm.control.Fleet} seam between the one
 * {@link org.edgefm.control.ControlLoop} and a real ({@link org.edgefm.host.bridge.MqttFleet}) or simulated
 * fleet, the plugin registry, the embedded broker with its accounts and topic permissions, the
 * durable directive outbox, the trial journal, meters, the HTTP API and the process that wires them
 * ({@link org.edgefm.host.PlannerHost}).
 */
package org.edgefm.host;
