/** The load benchmark's parts: virtual agents that speak the wire protocol, and scenarios scaled to N nodes. */
package org.edgefm.trial.bench;
