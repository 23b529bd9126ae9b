/**
 * The device agent: its configuration, its entry point, the assembly of its verticles, and the
 * installer that writes a systemd unit.
 */
package org.edgefm.agent;
