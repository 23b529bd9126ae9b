/** Reliability suite: agent crash, network partition, host and broker restarts, with their figures. */
package org.edgefm.it.reliability;
