/**
 * A fleet across a network: agents installed from the release archive, each on its own machine of
 * a LAN (network namespaces where possible), driven by a trial that starts no agent.
 */
package org.edgefm.it.fleet;
