/**
 * Readings of the machine: OSHI host metrics and facts, and GPU metrics from {@code nvidia-smi}
 * (servers) and {@code tegrastats} (Jetson), with parsers tested on recorded outputs.
 */
package org.edgefm.agent.telemetry;
