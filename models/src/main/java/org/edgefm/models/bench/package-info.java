/** The model benchmark: per-block latency against the raw matrix products of the same shapes, and end-to-end latency. */
package org.edgefm.models.bench;
