/**
 * The planner host: the process that wires the broker ({@code host.broker}), the MQTT bridge
 * ({@code host.bridge}), fleet state ({@code host.fleet}), the directive outbox ({@code host.outbox}),
 * the trial journal ({@code host.journal}) and the HTTP API ({@code host.http}) around the control
 * loop of module {@code control} ({@link org.edgefm.host.PlannerHost}), with its meters and timer.
 */
package org.edgefm.host;
