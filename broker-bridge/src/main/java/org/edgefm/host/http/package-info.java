/** The host's read-only HTTP API, Prometheus scrape and dashboard; handlers never wait for the control loop. */
package org.edgefm.host.http;
