/**
 * The agent's client identity for an install ({@link org.edgefm.agent.install.ClientIdentity}): a
 * node's certificate and key for mutual TLS, checked against its node id and put into the PKCS#12
 * keystore the agent reads. The generic install steps, unit templates and system user are in
 * {@code org.edgefm.install} (module {@code install}); the agent's unit template is this package's
 * resource {@code edgefm-agent.service}.
 */
package org.edgefm.agent.install;
