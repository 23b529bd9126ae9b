/** The durable directive outbox: unacknowledged directives kept in MapDB and re-sent until acknowledged. */
package org.edgefm.host.outbox;
